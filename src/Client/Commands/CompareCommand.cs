using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using EnsembleFarm.Client.Connection;
using EnsembleFarm.Client.Output;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.GrainInterfaces;
using Spectre.Console;

namespace EnsembleFarm.Client.Commands;

/// <summary>
/// <c>farm compare ID ID… [--json]</c>: campaigns of the same task side by side, every metric of every rule with its
/// bootstrap interval. Each campaign's intervals are its own: campaigns are not compared row by row, even on the same
/// test part.
/// </summary>
internal static class CompareCommand
{
    public static Command Create(FarmCli cli)
    {
        var ids = new Argument<long[]>("ids") { Description = "Two or more campaign ids", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print the comparison as JSON instead of a table" };
        var command = new Command("compare", "Compare campaigns' ensembles side by side: each metric with its interval, for every rule") { ids, json };
        command.SetAction((parse, ct) => cli.RunWithFarmAsync(parse, FarmNeed.ReadsOnly, async (farm, token) =>
        {
            var campaignIds = parse.GetRequiredValue(ids).Distinct().ToList();
            if (campaignIds.Count < 2) throw new FarmCliException(FarmExitCodes.BadInput, "error: compare needs two or more different campaign ids");
            var results = new List<CampaignResults>();
            foreach (var campaignId in campaignIds) results.Add(await CampaignResults.LoadAsync(farm, campaignId, sizeCurveIntervals: false, token));
            if (results.Select(r => r.Report.Task).Distinct().Count() > 1)
            {
                throw new FarmCliException(FarmExitCodes.BadInput,
                    $"error: the campaigns have different tasks ({string.Join(", ", results.Select(r => $"{r.Campaign.Id}: {r.Report.Task}"))}); compare campaigns of one task");
            }
            if (parse.GetValue(json)) await cli.Environment.Out.WriteLineAsync(Json(results));
            else WriteTable(cli, results);
            return FarmExitCodes.Ok;
        }, ct));
        return command;
    }

    private static void WriteTable(FarmCli cli, List<CampaignResults> results)
    {
        var console = cli.Environment.CreateConsole();
        foreach (var (campaign, report) in results.Select(r => (r.Campaign, r.Report)))
        {
            console.WriteLine($"campaign {campaign.Id} '{campaign.Name}' ({Formats.State(campaign.State)}): {report.Members} members, "
                + $"{report.TestRows} test rows, dataset {campaign.DatasetPath} (sha256 {campaign.DatasetSha256[..12]}…)");
        }
        var first = results[0].Report;
        if (first.Bootstrap is { Resamples: > 0 } b)
            console.WriteLine($"each value with its {b.Confidence * 100:0.#} % bootstrap interval over its own campaign's test rows");
        console.WriteLine();
        var columns = results.SelectMany(r => r.Report.Rules.Select(rule => (Results: r, Rule: rule.Name))).ToList();
        var table = Tables.Create(console, ["metric", .. columns.Select(c => $"{c.Results.Campaign.Id} {c.Rule}")]);
        foreach (var metric in first.MetricNames)
        {
            table.Row([metric, .. columns.Select(c =>
                Formats.WithInterval(c.Results.Report.Ensemble[c.Rule][metric], c.Results.Report.Intervals?[c.Rule][metric]))]);
        }
        console.Write(table);
        foreach (var partial in results.Select(r => r.Partial()).OfType<string>()) console.WriteLine(partial);
    }

    private static string Json(List<CampaignResults> results) =>
        new JsonObject
        {
            ["campaigns"] = new JsonArray([.. results.Select(r => new JsonObject
            {
                ["id"] = r.Campaign.Id,
                ["name"] = r.Campaign.Name,
                ["state"] = Formats.State(r.Campaign.State),
                ["task"] = r.Report.Task,
                ["members"] = r.Report.Members,
                ["planned_members"] = r.Data.Progress.Total,
                ["test_rows"] = r.Report.TestRows,
                ["dataset_path"] = r.Campaign.DatasetPath,
                ["dataset_sha256"] = r.Campaign.DatasetSha256,
                ["bootstrap"] = JsonSerializer.SerializeToNode(r.Report.Bootstrap, EnsembleReport.JsonOptions),
                ["rules"] = new JsonArray([.. r.Report.Rules.Select(rule => JsonValue.Create(rule.Name))]),
                ["ensemble"] = JsonSerializer.SerializeToNode(r.Report.Ensemble, EnsembleReport.JsonOptions),
                ["intervals"] = JsonSerializer.SerializeToNode(r.Report.Intervals, EnsembleReport.JsonOptions),
                ["member_summary"] = JsonSerializer.SerializeToNode(r.Report.MemberSummary, EnsembleReport.JsonOptions),
            })]),
        }.ToJsonString(EnsembleReport.JsonOptions);
}
