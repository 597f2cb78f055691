using System.CommandLine;
using EnsembleFarm.Client.Connection;
using EnsembleFarm.Domain.Prediction;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Models;

namespace EnsembleFarm.Client.Commands;

/// <summary>
/// <c>farm predict ID data.csv [--out FILE]</c>: the campaign's stored ensemble (its completed members) on new rows,
/// combined by the report's own rules, with the members' spread (docs/results.md § 5). Bad input (a missing feature
/// column, feature columns out of the training order, NaN, text) exits 2 naming the line and column.
/// </summary>
internal static class PredictCommand
{
    public static Command Create(FarmCli cli)
    {
        var id = CampaignIdArgument.Create();
        var input = new Argument<string>("data") { Description = "A CSV with a header and the features the models were trained on (by name, in training order)" };
        var output = new Option<string?>("--out") { Description = "Write the predictions to this CSV file (default: stdout)" };
        var threads = new Option<int>("--threads") { Description = "Worker threads (default 0: one per core)" };
        threads.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) r.AddError("--threads must be 0 (one per core) or more"); });
        var command = new Command("predict", "Run a campaign's ensemble on new rows: both rules' predictions and the members' spread") { id, input, output, threads };
        command.SetAction((parse, ct) => cli.RunWithFarmAsync(parse, FarmNeed.ReadsOnly, async (farm, token) =>
        {
            var campaignId = parse.GetValue(id);
            var inputPath = parse.GetRequiredValue(input);
            if (!File.Exists(inputPath)) throw new FarmCliException(FarmExitCodes.BadInput, $"error: no file {inputPath}");
            var models = await farm.ModelsAsync(campaignId, members: null, token) ?? throw FarmCli.NotFound(campaignId);
            FarmCli.RefuseSearch(models.Campaign, "predicting with all its trials");
            if (models.Members.Count == 0) throw FarmCli.NoCompletedMember(models.Campaign, "nothing to predict with");
            var ensemble = new EnsemblePredictor([.. models.Members.Select(m => TrainedModel.Deserialize(m.Weights, m.Json))]);
            var options = new PredictOptions(IdColumn(models.Campaign.SpecYaml), parse.GetValue(threads));

            var outputPath = parse.GetValue(output);
            PredictionSummary summary;
            using (var reader = new StreamReader(inputPath))
            {
                await using var file = outputPath is null ? null : OpenOutput(outputPath);
                var writer = file ?? cli.Environment.Out;
                summary = await Task.Run(() => ensemble.Predict(reader, inputPath, writer, options), token);
                await writer.FlushAsync(token);
            }
            await cli.Environment.Error.WriteLineAsync(
                $"predicted {summary.Rows} rows with the {ensemble.Members} members of campaign {campaignId} '{models.Campaign.Name}' "
                + $"({string.Join(" and ", ensemble.Rules.Select(r => r.Name))}){(outputPath is null ? "" : $" into {outputPath}")}");
            return FarmExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>The campaign's id column, copied to the output when the new rows have it.</summary>
    private static string? IdColumn(string specYaml) => SpecParser.Parse(specYaml, specDirectory: "/").Dataset.IdColumn;

    private static StreamWriter OpenOutput(string path)
    {
        try
        {
            return new StreamWriter(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FarmCliException(FarmExitCodes.BadInput, $"error: cannot write --out {path}: {e.Message}", e);
        }
    }
}
