using System.Text.Json;
using System.Text.Json.Nodes;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Models;
using EnsembleFarm.Store;

namespace EnsembleFarm.Domain.Prediction;

/// <summary>
/// What <c>farm export</c> writes into a folder: the ensemble itself (<see cref="EnsembleFolder"/>: ensemble.json and a
/// folder per member), <see cref="DescriptionFileName"/> describing the campaign it came from (data set and hash, spec,
/// rules, each member's standardisation), and <see cref="TestPredictionsFileName"/> with each exported member's stored
/// prediction for every row of the campaign's test part, which the exported models reproduce (docs/results.md § 6).
/// </summary>
public static class EnsembleExport
{
    public const string DescriptionFileName = "campaign.json";
    public const string TestPredictionsFileName = "test-predictions.csv";
    public const string DescriptionFormat = "ensemblefarm.campaign";

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <param name="members">The members to export, each with its stored model.</param>
    /// <param name="predictions">The stored test predictions of (at least) those members.</param>
    /// <exception cref="ArgumentException">No member, a member twice, models that are not one ensemble, or a member without its predictions.</exception>
    public static void Write(string directory, CampaignRecord campaign, IReadOnlyList<ExportedMember> members, CampaignTestSet testSet,
        IReadOnlyList<TrialPredictions> predictions)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(testSet);
        var ordered = members.OrderBy(m => m.Index).ToList();
        var byTrial = predictions.ToDictionary(p => p.TrialId);
        var missing = ordered.FirstOrDefault(m => !byTrial.ContainsKey(m.TrialId));
        if (missing is not null)
            throw new ArgumentException($"Member {missing.Index} (trial {missing.TrialId}) has no stored test predictions.", nameof(predictions));

        EnsembleFolder.Write(directory, ordered);
        var models = ordered.Select(m => TrainedModel.Deserialize(m.Weights, m.Json)).ToList();
        File.WriteAllText(Path.Combine(directory, DescriptionFileName), Describe(campaign, ordered, models, testSet).ToJsonString(JsonOptions));
        using var writer = new StreamWriter(Path.Combine(directory, TestPredictionsFileName));
        WriteTestPredictions(writer, testSet, [.. ordered.Select(m => (m.Index, byTrial[m.TrialId]))]);
    }

    private static JsonObject Describe(CampaignRecord campaign, List<ExportedMember> members, List<TrainedModel> models, CampaignTestSet testSet)
    {
        var first = models[0];
        var ensemble = new EnsemblePredictor(models);
        return new JsonObject
        {
            ["format"] = DescriptionFormat,
            ["version"] = 1,
            ["campaign"] = new JsonObject
            {
                ["id"] = campaign.Id,
                ["name"] = campaign.Name,
                ["kind"] = campaign.Kind,
                ["state"] = campaign.State.ToString().ToLowerInvariant(),
                ["created_at"] = campaign.CreatedAt,
                ["finished_at"] = campaign.FinishedAt,
                ["dataset_path"] = campaign.DatasetPath,
                ["dataset_sha256"] = campaign.DatasetSha256,
                ["spec_yaml"] = campaign.SpecYaml,
            },
            ["task"] = SpecVocabulary.Name(first.Task),
            ["class_count"] = first.ClassCount,
            ["feature_names"] = new JsonArray([.. first.FeatureNames.Select(n => JsonValue.Create(n))]),
            ["rules"] = new JsonArray([.. ensemble.Rules.Select(r => new JsonObject
            {
                ["name"] = r.Name,
                ["description"] = r.Description,
                ["score_column"] = r.ScoreColumn,
            })]),
            ["tie_rule"] = ensemble.TieRule,
            ["test_rows"] = testSet.RowIndices.Length,
            ["files"] = new JsonObject
            {
                ["ensemble"] = EnsembleFolder.ManifestFileName,
                ["test_predictions"] = TestPredictionsFileName,
            },
            // Each member standardises its inputs with what it fitted on its own training part (also in its model.json).
            ["members"] = new JsonArray([.. members.Select((m, i) => new JsonObject
            {
                ["index"] = m.Index,
                ["trial_id"] = m.TrialId,
                ["folder"] = EnsembleFolder.MemberFolder(m.Index),
                ["standardizer"] = new JsonObject
                {
                    ["mean"] = new JsonArray([.. models[i].Standardizer.Mean.Select(v => JsonValue.Create(v))]),
                    ["scale"] = new JsonArray([.. models[i].Standardizer.Scale.Select(v => JsonValue.Create(v))]),
                },
            })]),
        };
    }

    /// <summary><c>row[,id],target…,member_000…</c>: each member's stored prediction (with a <c>_k</c> suffix per class or target when several).</summary>
    private static void WriteTestPredictions(TextWriter writer, CampaignTestSet testSet, IReadOnlyList<(int Index, TrialPredictions Predictions)> members)
    {
        var csv = new CsvRowWriter(writer);
        csv.Text("row");
        if (testSet.Ids is not null) csv.Text("id");
        foreach (var name in CsvRowWriter.Columns("target", testSet.TargetWidth)) csv.Text(name);
        foreach (var (index, predictions) in members)
            foreach (var name in CsvRowWriter.Columns(EnsembleFolder.MemberFolder(index).Replace('-', '_'), predictions.PredictionWidth)) csv.Text(name);
        csv.EndRow();
        for (var row = 0; row < testSet.RowIndices.Length; row++)
        {
            csv.Integer(testSet.RowIndices[row]);
            if (testSet.Ids is { } ids) csv.Text(ids[row]);
            csv.Numbers(testSet.Targets.AsSpan(row * testSet.TargetWidth, testSet.TargetWidth));
            foreach (var (_, predictions) in members)
                csv.Numbers(predictions.TestPredictions.AsSpan(row * predictions.PredictionWidth, predictions.PredictionWidth));
            csv.EndRow();
        }
    }
}
