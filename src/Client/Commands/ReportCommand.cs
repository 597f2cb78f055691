using System.CommandLine;
using EnsembleFarm.Client.Connection;
using EnsembleFarm.Client.Output;
using EnsembleFarm.Client.Report;
using EnsembleFarm.GrainInterfaces;

namespace EnsembleFarm.Client.Commands;

/// <summary>
/// <c>farm report ID --out report.html</c>: the campaign's results as one self-contained HTML page with interactive plots
/// (ensemble size with interval bands, ROC and precision-recall curves, reliability, the members' metrics, the
/// disagreements, the learning curves), which opens offline (docs/results.md § 7).
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
            var path = Path.GetFullPath(parse.GetRequiredValue(output));
            try
            {
                await using var writer = new StreamWriter(path);
                HtmlReport.Write(writer, title, HtmlReport.Header(title, facts, report), EnsemblePlots.Sections(results, curves));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new FarmCliException(FarmExitCodes.BadInput, $"error: cannot write --out {path}: {e.Message}", e);
            }
            await cli.Environment.Out.WriteLineAsync($"wrote the report of campaign {campaign.Id} '{campaign.Name}' to {path}");
            return FarmExitCodes.Ok;
        }, ct));
        return command;
    }
}
