using System.CommandLine;
using System.Globalization;
using EnsembleFarm.Client.Connection;
using EnsembleFarm.Client.Output;
using EnsembleFarm.Client.Report;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;

namespace EnsembleFarm.Client.Commands;

/// <summary>
/// <c>farm report ID --out report.html</c>: the campaign's results as one self-contained HTML page with interactive plots
/// (ensemble size with interval bands, ROC and precision-recall curves, reliability, the members' metrics, the
/// disagreements, the learning curves), which opens offline (docs/results.md § 7); for a search, its history, parallel
/// coordinates, parameter importance, Pareto front and completed vs pruned learning curves.
/// </summary>
internal static class ReportCommand
{
    public static Command Create(FarmCli cli)
    {
        var id = CampaignIdArgument.Create();
        var output = new Option<string>("--out") { Description = "The HTML file to write", Required = true };
        var command = new Command("report", "Write the campaign's results as one self-contained HTML page with interactive plots") { id, output };
        command.SetAction((parse, ct) => cli.RunWithFarmAsync(parse, FarmNeed.ReadsOnly, async (farm, token) =>
        {
            var campaignId = parse.GetValue(id);
            var path = Path.GetFullPath(parse.GetRequiredValue(output));
            var status = await farm.StatusAsync(campaignId, token) ?? throw FarmCli.NotFound(campaignId);
            if (StoredSpec.IsSearch(status.Campaign)) return await WriteSearchAsync(cli, farm, campaignId, path, token);
            var results = await CampaignResults.LoadAsync(farm, campaignId, sizeCurveIntervals: true, token);
            var curves = await farm.CurvesAsync(campaignId, token) ?? throw FarmCli.NotFound(campaignId);
            var (campaign, report) = (results.Campaign, results.Report);
            var title = $"campaign {campaign.Id} '{campaign.Name}'";
            string[] facts =
            [
                $"{report.Task}, {report.Members} members, {report.TestRows} test rows; {Formats.State(campaign.State)}, finished {Formats.Time(campaign.FinishedAt)}",
                $"dataset {campaign.DatasetPath} (sha256 {campaign.DatasetSha256})",
                .. results.Partial() is { } partial ? [partial] : Array.Empty<string>(),
                report.Bootstrap is { Resamples: > 0 } b ? $"intervals: {b.Confidence * 100:0.#} % percentile bootstrap over the test rows, {b.Resamples} resamples" : "no intervals",
            ];
            await WriteAsync(cli, path, campaign, HtmlReport.Header(title, facts, report), EnsemblePlots.Sections(results, curves));
            return FarmExitCodes.Ok;
        }, ct));
        return command;
    }

    private static async Task<int> WriteSearchAsync(FarmCli cli, IFarmConnection farm, long campaignId, string path, CancellationToken ct)
    {
        var (search, report) = await SearchResults.LoadAsync(farm, campaignId, ct);
        var campaign = search.Campaign;
        var title = $"campaign {campaign.Id} '{campaign.Name}'";
        var p = report.Progress;
        string[] facts =
        [
            $"{campaign.Kind}, {p.Total} of {report.Budget} trials ({Formats.Counts(p)}); {Formats.State(campaign.State)}, finished {Formats.Time(campaign.FinishedAt)}",
            $"objectives: {string.Join(", ", report.Objectives)}; sampler {search.Search.Sampler.Name}{(search.Search.Pruner is { } pruner ? $", pruner {pruner.Name}" : "")}",
            $"dataset {campaign.DatasetPath} (sha256 {campaign.DatasetSha256})",
        ];
        var best = report.Best.Take(5).Select((t, rank) => (IReadOnlyList<string>)
        [
            (rank + 1).ToString(CultureInfo.InvariantCulture), t.Number.ToString(CultureInfo.InvariantCulture),
            .. t.Values.Select(v => v.ToString("G6", CultureInfo.InvariantCulture)),
            string.Join(" ", t.Params.Select(kv => $"{kv.Key}={kv.Value?.ToJsonString()}")),
        ]);
        var header = HtmlReport.Header(title, facts, ["rank", "trial", .. report.Objectives.Select(o => o.Metric), "parameters"], best);
        await WriteAsync(cli, path, campaign, header, SearchPlots.Sections(report, search));
        return FarmExitCodes.Ok;
    }

    private static async Task WriteAsync(FarmCli cli, string path, CampaignRecord campaign, string header, IReadOnlyList<ReportSection> sections)
    {
        try
        {
            await using var writer = new StreamWriter(path);
            HtmlReport.Write(writer, $"campaign {campaign.Id} '{campaign.Name}'", header, sections);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FarmCliException(FarmExitCodes.BadInput, $"error: cannot write --out {path}: {e.Message}", e);
        }
        await cli.Environment.Out.WriteLineAsync($"wrote the report of campaign {campaign.Id} '{campaign.Name}' to {path}");
    }
}
