using System.CommandLine;
using EnsembleFarm.Client.Connection;
using EnsembleFarm.Client.Output;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Models;
using EnsembleFarm.Store;

namespace EnsembleFarm.Client.Commands;

/// <summary>
/// <c>farm results ID [--json] [--csv FILE]</c>: the ensemble report computed from the members' stored test
/// predictions. When not every member completed (the campaign runs, or was cancelled or failed) it combines those that
/// did, and says so.
/// </summary>
internal static class ResultsCommand
{
    public static Command Create(FarmCli cli)
    {
        var id = CampaignIdArgument.Create();
        var json = new Option<bool>("--json") { Description = "Print the whole report as JSON (stable snake_case names) instead of tables" };
        var csv = new Option<string?>("--csv") { Description = "Also write every test row's ensemble prediction to this CSV file" };
        var command = new Command("results", "Show the ensemble's results: average vs vote, members, size curve, disagreements") { id, json, csv };
        command.SetAction((parse, ct) => cli.RunWithFarmAsync(parse, FarmNeed.ReadsOnly,
            (farm, token) => WriteAsync(cli, farm, parse.GetValue(id), parse.GetValue(json), parse.GetValue(csv), token), ct));
        return command;
    }

    public static async Task<int> WriteAsync(FarmCli cli, IFarmConnection farm, long campaignId, bool json, string? csvPath, CancellationToken ct)
    {
        var (campaign, progress, testSet, predictions) = await farm.ResultsDataAsync(campaignId, ct) ?? throw FarmCli.NotFound(campaignId);
        if (predictions.Count == 0)
        {
            throw new FarmCliException(FarmExitCodes.CampaignNotCompleted,
                $"campaign {campaign.Id} ({Formats.State(campaign.State)}) has no completed member yet: no results");
        }
        var task = TaskNames.Parse(campaign.Task);
        var report = EnsembleAggregator.Aggregate(task, ClassCount(task, predictions), testSet, predictions);
        var partial = Partial(campaign, progress, report.Members);

        if (csvPath is not null) await WriteCsvAsync(cli, report, csvPath);
        if (json)
        {
            if (partial is not null) await cli.Environment.Error.WriteLineAsync(partial);
            await cli.Environment.Out.WriteLineAsync(report.ToJson());
        }
        else
        {
            ReportView.Write(cli.Environment.CreateConsole(), campaign, report, partial);
        }
        return FarmExitCodes.Ok;
    }

    /// <summary>Says the results stand on fewer members than the campaign planned, and why; null when all completed.</summary>
    private static string? Partial(CampaignRecord campaign, CampaignProgress progress, int members)
    {
        if (members == progress.Total) return null;
        var why = campaign.State switch
        {
            CampaignState.Queued or CampaignState.Running => $"is {Formats.State(campaign.State)}",
            CampaignState.Cancelled => "was cancelled",
            CampaignState.Failed => "failed",
            _ => $"completed with {progress.Failed} failed members",
        };
        return $"partial results: campaign {campaign.Id} {why}; these are the {members} of its {progress.Total} members that completed";
    }

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
            throw new FarmCliException(FarmExitCodes.BadInput, $"error: cannot write --csv {path}: {e.Message}", e);
        }
        await cli.Environment.Error.WriteLineAsync($"wrote {report.Rows.Count} rows to {path}");
    }
}
