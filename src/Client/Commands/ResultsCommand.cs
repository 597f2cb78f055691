using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using EnsembleFarm.Client.Connection;
using EnsembleFarm.Client.Output;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.Domain.Search;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;

namespace EnsembleFarm.Client.Commands;

/// <summary>
/// <c>farm results ID [--json] [--csv FILE]</c>: for an ensemble, the report computed from the members' stored test
/// predictions, with its intervals and tests, and how the members trained; when not every member completed (the
/// campaign runs, or was cancelled or failed) it combines those that did, and says so. For a search or nas campaign,
/// its <see cref="SearchReport"/>, and --csv writes one line per trial.
/// </summary>
internal static class ResultsCommand
{
    public static Command Create(FarmCli cli)
    {
        var id = CampaignIdArgument.Create();
        var json = new Option<bool>("--json") { Description = "Print the whole report as JSON (stable snake_case names) instead of tables" };
        var csv = new Option<string?>("--csv") { Description = "Also write every test row's ensemble prediction (a search: every trial) to this CSV file" };
        var command = new Command("results", "Show a campaign's results: for an ensemble average vs vote with intervals and tests, members, size curve, " +
            "disagreements; for a search its best trials, history, parameter importance, learning curves and Pareto front")
        {
            id, json, csv,
        };
        command.SetAction((parse, ct) => cli.RunWithFarmAsync(parse, FarmNeed.ReadsOnly,
            (farm, token) => WriteAsync(cli, farm, parse.GetValue(id), parse.GetValue(json), parse.GetValue(csv), token), ct));
        return command;
    }

    public static async Task<int> WriteAsync(FarmCli cli, IFarmConnection farm, long campaignId, bool json, string? csvPath, CancellationToken ct)
    {
        var status = await farm.StatusAsync(campaignId, ct) ?? throw FarmCli.NotFound(campaignId);
        if (StoredSpec.IsSearch(status.Campaign)) return await WriteSearchAsync(cli, farm, campaignId, json, csvPath, ct);
        var results = await CampaignResults.LoadAsync(farm, campaignId, sizeCurveIntervals: false, ct);
        var partial = results.Partial();
        if (csvPath is not null) await WriteCsvAsync(cli, results.Report, csvPath);
        if (json)
        {
            if (partial is not null) await cli.Environment.Error.WriteLineAsync(partial);
            await cli.Environment.Out.WriteLineAsync(ToJson(results));
        }
        else
        {
            ReportView.Write(cli.Environment.CreateConsole(), results.Campaign, results.Report, results.Data.Training, partial);
        }
        return FarmExitCodes.Ok;
    }

    /// <summary>
    /// The report's JSON (<see cref="EnsembleReport.ToJson"/>) with, first, the campaign it is of (id, name, state, data
    /// set and its hash, spec) and how each member trained, so that the file stands on its own.
    /// </summary>
    private static string ToJson(CampaignResults results)
    {
        var report = JsonSerializer.SerializeToNode(results.Report, EnsembleReport.JsonOptions)!.AsObject();
        var campaign = results.Campaign;
        report.Insert(0, "campaign", new JsonObject
        {
            ["id"] = campaign.Id,
            ["name"] = campaign.Name,
            ["kind"] = campaign.Kind,
            ["state"] = Formats.State(campaign.State),
            ["dataset_path"] = campaign.DatasetPath,
            ["dataset_sha256"] = campaign.DatasetSha256,
            ["created_at"] = campaign.CreatedAt,
            ["finished_at"] = campaign.FinishedAt,
            ["spec_yaml"] = campaign.SpecYaml,
        });
        report.Insert(1, "training", new JsonArray([.. results.Data.Training.Select(t => new JsonObject
        {
            ["index"] = t.Index,
            ["trial_id"] = t.TrialId,
            ["epochs"] = t.Epochs,
            ["seconds"] = Math.Round(t.Duration.TotalSeconds, 3),
        })]));
        return report.ToJsonString(EnsembleReport.JsonOptions);
    }

    private static async Task<int> WriteSearchAsync(FarmCli cli, IFarmConnection farm, long campaignId, bool json, string? csvPath, CancellationToken ct)
    {
        var (search, report) = await SearchResults.LoadAsync(farm, campaignId, ct);
        if (csvPath is not null) await WriteCsvAsync(cli, csvPath, report.Trials.Count, writer => SearchTrialsCsv.Write(report, writer));
        if (json) await cli.Environment.Out.WriteLineAsync(report.ToJson());
        else SearchReportView.Write(cli.Environment.CreateConsole(), search.Campaign, report);
        return FarmExitCodes.Ok;
    }

    private static Task WriteCsvAsync(FarmCli cli, EnsembleReport report, string path) =>
        WriteCsvAsync(cli, path, report.Rows.Count, writer => RowPredictionsCsv.Write(report, writer));

    private static async Task WriteCsvAsync(FarmCli cli, string path, int rows, Action<TextWriter> write)
    {
        try
        {
            await using (var writer = new StreamWriter(path))
                write(writer);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FarmCliException(FarmExitCodes.BadInput, $"error: cannot write --csv {path}: {e.Message}", e);
        }
        await cli.Environment.Error.WriteLineAsync($"wrote {rows} rows to {path}");
    }
}
