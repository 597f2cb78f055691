using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using EnsembleFarm.Client.Connection;
using EnsembleFarm.Client.Output;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;

namespace EnsembleFarm.Client.Commands;

/// <summary>
/// <c>farm results ID [--json] [--csv FILE]</c>: the ensemble report computed from the members' stored test
/// predictions, with its intervals and tests, and how the members trained. When not every member completed (the
/// campaign runs, or was cancelled or failed) it combines those that did, and says so.
/// </summary>
internal static class ResultsCommand
{
    public static Command Create(FarmCli cli)
    {
        var id = CampaignIdArgument.Create();
        var json = new Option<bool>("--json") { Description = "Print the whole report as JSON (stable snake_case names) instead of tables" };
        var csv = new Option<string?>("--csv") { Description = "Also write every test row's ensemble prediction to this CSV file" };
        var command = new Command("results", "Show the ensemble's results: average vs vote with intervals and tests, members, size curve, disagreements")
        {
            id, json, csv,
        };
        command.SetAction((parse, ct) => cli.RunWithFarmAsync(parse, FarmNeed.ReadsOnly,
            (farm, token) => WriteAsync(cli, farm, parse.GetValue(id), parse.GetValue(json), parse.GetValue(csv), token), ct));
        return command;
    }

    public static async Task<int> WriteAsync(FarmCli cli, IFarmConnection farm, long campaignId, bool json, string? csvPath, CancellationToken ct)
    {
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
