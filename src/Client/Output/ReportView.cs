using System.Globalization;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.Store;
using Spectre.Console;

namespace EnsembleFarm.Client.Output;

/// <summary>
/// The human form of an <see cref="EnsembleReport"/>: the rules side by side with their intervals, the differences and
/// the paired tests, the members (their metrics and how they trained), the size curve and the disagreements.
/// </summary>
internal static class ReportView
{
    /// <summary>How many disagreeing rows are listed (all of them are in --json and --csv).</summary>
    private const int DisagreementsShown = 5;

    /// <summary>The size curve shows this many of the task's metrics (its headline ones: accuracy and AUC, or RMSE and MAE).</summary>
    private const int CurveMetrics = 2;

    public static void Write(IAnsiConsole console, CampaignRecord campaign, EnsembleReport report, IReadOnlyList<MemberTraining> training, string? partial)
    {
        console.WriteLine($"campaign {campaign.Id} '{campaign.Name}': {report.Task}, {report.Members} members, {report.TestRows} test rows");
        if (partial is not null) console.WriteLine(partial);
        console.WriteLine();

        console.WriteLine(report.Bootstrap is { Resamples: > 0 } b
            ? $"Ensemble on the test part ({b.Confidence * 100:0.#} % bootstrap intervals over the test rows, {b.Resamples} resamples)"
            : "Ensemble on the test part");
        var ensemble = Tables.Create(console, ["metric", .. report.Rules.Select(r => r.Name)]);
        foreach (var metric in report.MetricNames)
            ensemble.Row([metric, .. report.Rules.Select(r => Formats.WithInterval(report.Ensemble[r.Name][metric], report.Intervals?[r.Name][metric]))]);
        console.Write(ensemble);
        foreach (var rule in report.Rules)
        {
            var undefined = rule.UndefinedMetrics.Count == 0 ? "" : $" ({string.Join(", ", rule.UndefinedMetrics)}: n/a for this rule)";
            console.WriteLine($"  {rule.Name}: {rule.Description}{undefined}");
        }
        if (report.TieRule is not null) console.WriteLine($"  ties: {report.TieRule}");
        if (report.Comparisons is { Count: > 0 } comparisons) WriteComparisons(console, report, comparisons);
        console.WriteLine();

        console.WriteLine("Members, each on its own");
        var members = Tables.Create(console, "metric", "mean", "std", "min", "max");
        foreach (var metric in report.MetricNames)
        {
            var s = report.MemberSummary[metric];
            members.Row(metric, Formats.WithInterval(s.Mean, report.MemberMeanIntervals?[metric]), Value(s.Std), Value(s.Min), Value(s.Max));
        }
        console.Write(members);
        if (training.Count > 0) console.WriteLine(TrainingSummary(training));
        console.WriteLine();

        var curveMetrics = report.MetricNames.Take(CurveMetrics).ToList();
        console.WriteLine("Ensemble size (the first n members by index)");
        var curve = Tables.Create(console, ["size", .. curveMetrics.SelectMany(m => report.Rules.Select(r => $"{r.Name}_{m}"))]);
        foreach (var point in report.SizeCurve)
            curve.Row([point.Size.ToString(CultureInfo.InvariantCulture), .. curveMetrics.SelectMany(m => report.Rules.Select(r => Value(point.Metrics[r.Name][m])))]);
        console.Write(curve);

        if (report.Rows.Count > 0 && report.Rows[0].Decisions is not null) WriteDisagreements(console, report);
    }

    /// <summary>Each comparison's differences with their paired intervals, then its tests.</summary>
    private static void WriteComparisons(IAnsiConsole console, EnsembleReport report, IReadOnlyList<EnsembleComparison> comparisons)
    {
        console.WriteLine();
        console.WriteLine("Differences (paired: both sides on the same resamples; read these, not the overlap of two intervals)");
        var differences = Tables.Create(console, ["metric", .. comparisons.Select(Name)]);
        foreach (var metric in report.MetricNames)
            differences.Row([metric, .. comparisons.Select(c => Formats.Difference(c.Differences[metric]))]);
        console.Write(differences);

        console.WriteLine();
        console.WriteLine("Paired tests (two-sided)");
        var tests = Tables.Create(console, "comparison", "metric", "method", "difference", "statistic", "p_value", "discordant");
        foreach (var comparison in comparisons)
        {
            foreach (var test in comparison.Tests)
            {
                var discordant = test.FirstOnlyCorrect is { } b && test.SecondOnlyCorrect is { } c
                    ? $"{b} {comparison.First} only, {c} {comparison.Second} only"
                    : "-";
                tests.Row(Name(comparison), test.Metric, test.Method, Formats.Difference(new MetricDifference(test.Difference, null)),
                    Value(test.Statistic), Formats.PValue(test.PValue), discordant);
            }
        }
        console.Write(tests);
    }

    private static string Name(EnsembleComparison comparison) => $"{comparison.First} - {comparison.Second}";

    /// <summary>
    /// One line for all members, however many: the epochs their completed attempts ran and how long each took (every
    /// member's own numbers are in --json).
    /// </summary>
    private static string TrainingSummary(IReadOnlyList<MemberTraining> training)
    {
        var epochs = training.Select(t => t.Epochs).ToList();
        var seconds = training.Select(t => t.Duration).ToList();
        var meanTime = TimeSpan.FromTicks((long)seconds.Average(d => d.Ticks));
        return string.Create(CultureInfo.InvariantCulture,
            $"  training: {training.Count} members, epochs mean {epochs.Average():0.#} (min {epochs.Min()}, max {epochs.Max()}), "
            + $"time per member mean {Formats.Duration(meanTime)} (min {Formats.Duration(seconds.Min())}, max {Formats.Duration(seconds.Max())})");
    }

    private static void WriteDisagreements(IAnsiConsole console, EnsembleReport report)
    {
        console.WriteLine();
        var rules = string.Join(" and ", report.Rules.Select(r => r.Name));
        console.WriteLine($"{rules} disagree on {report.Disagreements.Count} of {report.TestRows} test rows");
        if (report.Disagreements.Count == 0) return;
        var table = Tables.Create(console, ["row", "id", "target", .. report.Rules.SelectMany(r => new[] { r.ScoreColumn, $"{r.Name}_decision" }), "member_std"]);
        foreach (var row in report.Disagreements.Take(DisagreementsShown))
        {
            table.Row([
                row.Row.ToString(CultureInfo.InvariantCulture),
                row.Id ?? "-",
                string.Join(" ", row.Target.Select(t => t.ToString(CultureInfo.InvariantCulture))),
                .. report.Rules.SelectMany(r => new[] { RowScore(row, r.Name), row.Decisions![r.Name].ToString(CultureInfo.InvariantCulture) }),
                row.Spread.Std.Length == 1 ? row.Spread.Std[0].ToString("0.000", CultureInfo.InvariantCulture) : "-",
            ]);
        }
        console.Write(table);
        if (report.Disagreements.Count > DisagreementsShown)
            console.WriteLine($"  … {report.Disagreements.Count - DisagreementsShown} more (all rows: --csv FILE)");
    }

    /// <summary>The rule's score of the class it decided: P(y=1) or the vote fraction for binary, that class's share for multi-class.</summary>
    private static string RowScore(RowPrediction row, string rule)
    {
        var scores = row.Scores[rule];
        var shown = scores.Length == 1 ? scores[0] : scores[row.Decisions![rule]];
        return shown.ToString("0.000", CultureInfo.InvariantCulture);
    }

    private static string Value(double? value) => value is { } v ? Formats.Number(v) : "n/a";
}
