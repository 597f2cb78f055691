using System.Globalization;
using EnsembleFarm.Domain.Planning;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Data.Synthetic;
using EnsembleFarm.Models.Training;
using EnsembleFarm.Store;

namespace EnsembleFarm.Domain.Tests.Prediction;

/// <summary>
/// A small ensemble campaign trained here as a silo trains one (BuiltInTrainer): planned from a spec on the simulated
/// collider sample, each member trained on its own split, its test-part predictions and serialised model kept as the
/// store keeps them. One per task, trained once per test run.
/// </summary>
internal sealed record TrainedEnsemble(TaskKind Task, Dataset Data, CampaignTestSet TestSet, TrialPredictions[] Predictions, (byte[] Weights, string Json)[] Models)
{
    private static readonly Dictionary<TaskKind, Lazy<TrainedEnsemble>> Trained = Enum.GetValues<TaskKind>()
        .ToDictionary(task => task, task => new Lazy<TrainedEnsemble>(() => Train(task)));

    public static TrainedEnsemble For(TaskKind task) => Trained[task].Value;

    public int ClassCount => Data.ClassCount;

    /// <summary>The members as the CLI gets them from the store.</summary>
    public TrainedModel[] Deserialized() => [.. Models.Select(m => TrainedModel.Deserialize(m.Weights, m.Json))];

    /// <summary>The test part's rows as a CSV file: the id column, every feature, the target, as the dataset file has them.</summary>
    public string TestRowsCsv()
    {
        var test = Data.Select(TestSet.RowIndices);
        var text = new StringWriter { NewLine = "\n" };
        text.WriteLine(string.Join(',', [ColliderSample.IdColumn, .. test.FeatureNames, .. test.TargetNames]));
        for (var r = 0; r < test.Rows; r++)
        {
            IEnumerable<string> cells = [test.Ids![r], .. Numbers(test.Row(r)), .. Numbers(test.Target(r))];
            text.WriteLine(string.Join(',', cells));
        }
        return text.ToString();
    }

    private static string[] Numbers(ReadOnlySpan<float> values)
    {
        var cells = new string[values.Length];
        for (var i = 0; i < values.Length; i++) cells[i] = values[i].ToString(CultureInfo.InvariantCulture);
        return cells;
    }

    private static TrainedEnsemble Train(TaskKind task)
    {
        var options = ColliderSample.CsvOptions(task);
        var spec = SpecParser.Parse(
            $"name: predict\nkind: ensemble\nseed: 5\n"
            + $"dataset: {{path: d.csv, target: {options.TargetColumns[0]}, task: {SpecVocabulary.Name(task)}, id_column: {ColliderSample.IdColumn}}}\n"
            + "model: {hidden: [8]}\ntraining: {epochs: 2, batch_size: 64}\nensemble: {members: 3}\n", "/tmp");
        var data = ColliderSample.Generate(900, seed: 3, task);
        var plan = CampaignPlan.Create(spec, data);
        var predictions = new List<TrialPredictions>();
        var models = new List<(byte[], string)>();
        foreach (var trial in plan.Trials)
        {
            var record = new TrialRecord(trial.Index + 100, 1, trial.Index, TrialState.Running, 1, trial.ParamsJson, trial.SplitSeed, trial.InitSeed,
                trial.Slots, "silo", null, null, null, null);
            var member = MemberData.For(spec, data, plan.TestSet, record);
            var model = Trainer.Fit(spec.Model, member.Train, member.Validation, spec.TrainingFor(trial.InitSeed)).Model;
            var stored = model.Predict(member.Test);
            predictions.Add(new TrialPredictions(record.Id, trial.Index, stored, stored.Length / member.Test.Rows));
            models.Add(model.Serialize());
        }
        return new TrainedEnsemble(task, data, plan.TestSet, [.. predictions], [.. models]);
    }
}
