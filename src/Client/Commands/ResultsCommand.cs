using System.CommandLine;
using EnsembleFarm.Client.Output;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Store;
using EnsembleFarm.Models;

namespace EnsembleFarm.Client.Commands;

/// <summary>
/// <c>farm results ID [--json] [--csv FILE]</c>: the ensemble report computed from the members' stored
/// test predictions. On a campaign that has not ended it combines the members completed so far.
/// </summary>
internal static class ResultsCommand
{
    public static Command Create(FarmCli cli)
    {
        var id = CampaignIdArgument.Create();
        var json = new Option<bool>("--json") { Description = "Print the whole report as JSON (stable snake_case names) instead of tables" };
        var csv = new Option<string?>("--csv") { Description = "Also write every test row's ensemble prediction to this CSV file" };
        var command = new Command("results", "Show the ensemble's results: average vs vote, members, size curve, disagreements") { id, json, csv };
        command.SetAction((parse, ct) => cli.RunWithStoreAsync(parse, async (store, token) =>
        {
            var campaign = await FarmCli.RequireCampaignAsync(store, parse.GetValue(id), token);
            var predictions = await store.GetPredictionsAsync(campaign.Id, token);
            if (predictions.Count == 0)
            {
                throw new FarmCliException(ExitCodes.CampaignNotCompleted,
                    $"campaign {campaign.Id} ({Formats.State(campaign.State)}) has no completed member yet: no results");
            }
            var task = TaskOf(campaign);
            var report = EnsembleAggregator.Aggregate(task, ClassCount(task, predictions), await store.GetTestSetAsync(campaign.Id, token), predictions);
            var progress = await store.GetProgressAsync(campaign.Id, token);
            var partial = Formats.HasEnded(campaign.State)
                ? null
                : $"campaign {campaign.Id} is {Formats.State(campaign.State)}: results on the {report.Members} of {progress.Total} members completed so far";

            if (parse.GetValue(csv) is { } csvPath) await WriteCsvAsync(cli, report, csvPath);
            if (parse.GetValue(json))
            {
                if (partial is not null) await cli.Environment.Error.WriteLineAsync(partial);
                await cli.Environment.Out.WriteLineAsync(report.ToJson());
            }
            else
            {
                ReportView.Write(cli.Environment.CreateConsole(), campaign, report, partial);
            }
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>
    /// The task is in the stored spec. Only the task is read from it, so the folder a relative dataset path
    /// would resolve against does not matter here.
    /// </summary>
    private static TaskKind TaskOf(CampaignRecord campaign) =>
        SpecParser.Parse(campaign.SpecYaml, Path.GetDirectoryName(campaign.DatasetPath) ?? ".").Dataset.Task;

    /// <summary>A multi-class member predicts one probability per class; binary is 2 classes, regression none.</summary>
    private static int ClassCount(TaskKind task, IReadOnlyList<TrialPredictions> predictions) => task switch
    {
        TaskKind.Binary => 2,
        TaskKind.Multiclass => predictions[0].PredictionWidth,
        _ => 0,
    };

    private static async Task WriteCsvAsync(FarmCli cli, EnsembleReport report, string path)
    {
        try
        {
            await using (var writer = new StreamWriter(path))
                RowPredictionsCsv.Write(report, writer);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FarmCliException(ExitCodes.BadInput, $"error: cannot write --csv {path}: {e.Message}", e);
        }
        await cli.Environment.Error.WriteLineAsync($"wrote {report.Rows.Count} rows to {path}");
    }
}
