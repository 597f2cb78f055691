using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Models;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Client.Tests;

/// <summary>The HTML report of a finished campaign, opened in a real headless Chromium (Debian's), offline.</summary>
public sealed partial class HtmlReportTests(TrainedFarmFixture fixture) : IClassFixture<TrainedFarmFixture>
{
    private const string Chromium = "/usr/bin/chromium";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Chromium_draws_every_plot_with_the_points_of_the_campaigns_data_and_a_screenshot_is_kept()
    {
        using var folder = new TempFolder();
        var page = folder["report.html"];
        var id = fixture.CampaignId;

        await AssertDrawnAsync(fixture.Farm, id, "small", folder, await ExpectedPlotsAsync(id));

        var screenshot = Path.Combine(AppContext.BaseDirectory, "artifacts", "report-screenshot.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);
        await BrowserAsync(folder, $"--screenshot={screenshot}", "--window-size=1280,5200", "--hide-scrollbars", new Uri(page).AbsoluteUri);
        Assert.True(new FileInfo(screenshot).Length > 50_000, "the screenshot is (nearly) empty");
        TestContext.Current.AddAttachment("report-screenshot.png", await File.ReadAllBytesAsync(screenshot, Ct), "image/png");
    }

    /// <summary>
    /// Writes campaign <paramref name="id"/>'s report with <c>farm report</c>, opens it in headless Chromium and checks
    /// that every plot was drawn with exactly the <paramref name="expected"/> traces and points (in order).
    /// </summary>
    internal static async Task AssertDrawnAsync(InProcessFarm farm, long id, string name, TempFolder folder,
        IReadOnlyDictionary<string, List<(string Name, int Points)>> expected)
    {
        await DebianPackages.EnsureAsync("chromium", () => File.Exists(Chromium), "Chromium (Debian's chromium)", Ct);
        var page = folder["report.html"];

        var run = await Cli.To(farm).RunAsync("report", id.ToString(), "--out", page);

        Assert.Equal((FarmExitCodes.Ok, $"wrote the report of campaign {id} '{name}' to {page}\n"), (run.ExitCode, run.Output));
        var dom = await BrowserAsync(folder, "--dump-dom", new Uri(page).AbsoluteUri);
        var match = SummaryPattern().Match(dom);
        Assert.True(match.Success, $"the page wrote no plot summary; its DOM:\n{dom[..Math.Min(dom.Length, 3000)]}");
        var drawn = JsonNode.Parse(WebUtility.HtmlDecode(match.Groups[1].Value))!.AsArray();
        Assert.All(drawn, plot => Assert.True((bool)plot!["drawn"]!, $"plot {plot["id"]} has no SVG"));
        var actual = drawn.ToDictionary(p => (string)p!["id"]!, p => p!["traces"]!.AsArray().Select(t => ((string)t!["name"]!, (int)t["points"]!)).ToList());
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (plot, traces) in expected) Assert.True(traces.SequenceEqual(actual[plot]), $"{plot}: expected {Show(traces)}, drawn {Show(actual[plot])}");
    }

    /// <summary>Each plot's traces and how many points each must have, computed from the store here, apart from the report's code.</summary>
    private async Task<Dictionary<string, List<(string Name, int Points)>>> ExpectedPlotsAsync(long id)
    {
        var store = fixture.Farm.Store;
        var predictions = await store.GetPredictionsAsync(id, Ct);
        var report = EnsembleAggregator.Aggregate(TaskKind.Binary, 2, await store.GetTestSetAsync(id, Ct), predictions, sizeCurveIntervals: true);
        var curves = (await store.GetCurvesAsync(id, Ct)).ToLookup(e => e.TrialId);
        string[] rules = ["average", "vote"];
        var targets = report.Rows.Select(r => r.Target[0] == 1f).ToArray();
        var scorers = predictions.OrderBy(p => p.Index).Select(p => ($"member {p.Index}", p.TestPredictions))
            .Concat(rules.Select(rule => (rule, report.Rows.Select(r => r.Scores[rule][0]).ToArray()))).ToList();
        var thresholds = Enumerable.Range(0, 101).Select(k => k / 100.0).ToList();

        var plots = new Dictionary<string, List<(string, int)>>();
        foreach (var metric in new[] { "accuracy", "auc" })
        {
            plots[$"size-{metric}"] = [.. rules.SelectMany(rule => new[]
            {
                ($"{rule} 95 % interval", 2 * report.SizeCurve.Count(p => p.Intervals![rule][metric] is not null)),
                (rule, report.SizeCurve.Count(p => p.Metrics[rule][metric] is not null)),
            })];
        }
        plots["roc"] = [("chance", 2), .. scorers.Select(s => (s.Item1, thresholds.Count + 1))];
        plots["precision-recall"] = [.. scorers.Select(s => (s.Item1, thresholds.Count(t => s.Item2.Any(p => p >= t))))];
        plots["reliability"] = [("perfect calibration", 2), .. rules.Select(rule =>
            (rule, report.Rows.Select(r => Math.Min((int)(r.Scores[rule][0] * 10), 9)).Distinct().Count()))];
        plots["member-metrics"] = [.. report.MetricNames.Select(m => (m, report.MemberResults.Count(r => r.Metrics[m] is not null))),
            .. rules.Select(rule => (rule, report.MetricNames.Count(m => report.Ensemble[rule][m] is not null)))];
        plots["disagreements"] = [("disagreeing rows", report.Disagreements.Count)];
        plots["learning-curves"] = [.. report.MemberResults.SelectMany(m => new[] { "train_loss", "val_loss" }
            .Select(metric => ($"member {m.Index} {metric}", curves[m.TrialId].Count(e => e.Metrics.ContainsKey(metric))))
            .Where(t => t.Item2 > 0))];
        Assert.Equal(TrainedFarmFixture.Members, predictions.Count);
        Assert.All(plots["learning-curves"], t => Assert.Equal(4, t.Item2));
        return plots;
    }

    /// <summary>Runs headless Chromium on its own throw-away profile, with nothing that reaches out of this machine.</summary>
    private static async Task<string> BrowserAsync(TempFolder folder, params string[] arguments)
    {
        var profile = Directory.CreateTempSubdirectory("chromium-profile-").FullName;
        try
        {
            var info = ProcessRunner.StartInfo(Chromium, [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", $"--user-data-dir={profile}", "--virtual-time-budget=45000", .. arguments,
            ], folder.Path, asServiceUser: false);
            return await ProcessRunner.RunAsync(info, Ct);
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    private static string Show(IEnumerable<(string Name, int Points)> traces) => string.Join(", ", traces.Select(t => $"{t.Name}: {t.Points}"));

    [GeneratedRegex(@"<pre id=""plot-summary""[^>]*data-ready=""true""[^>]*>(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex SummaryPattern();
}
