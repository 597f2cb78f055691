using System.Globalization;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.Store;
using Spectre.Console;

namespace EnsembleFarm.Client.Output;

/// <summary>The human form of an <see cref="EnsembleReport"/>: the rules side by side, then the members, the size curve and the disagreements.</summary>
internal static class ReportView
{
    /// <summary>How many disagreeing rows are listed (all of them are in --json and --csv).</summary>
    private const int DisagreementsShown = 5;

    /// <summary>The size curve shows this many of the task's metrics (its headline ones: accuracy and AUC, or RMSE and MAE).</summary>
    private const int CurveMetrics = 2;

    public static void Write(IAnsiConsole console, CampaignRecord campaign, EnsembleReport report, string? partial)
    {
        console.WriteLine($"campaign {campaign.Id} '{campaign.Name}': {report.Task}, {report.Members} members, {report.TestRows} test rows");
        if (partial is not null) console.WriteLine(partial);
        console.WriteLine();

        console.WriteLine("Ensemble on the test part");
        var ensemble = Tables.Create(console, ["metric", .. report.Rules.Select(r => r.Name)]);
        foreach (var metric in report.MetricNames)
            ensemble.Row([metric, .. report.Rules.Select(r => Value(report.Ensemble[r.Name][metric]))]);
        console.Write(ensemble);
        foreach (var rule in report.Rules)
        {
            var undefined = rule.UndefinedMetrics.Count == 0 ? "" : $" ({string.Join(", ", rule.UndefinedMetrics)}: n/a for this rule)";
            console.WriteLine($"  {rule.Name}: {rule.Description}{undefined}");
        }
        if (report.TieRule is not null) console.WriteLine($"  ties: {report.TieRule}");
        console.WriteLine();

        console.WriteLine("Members, each on its own");
        var members = Tables.Create(console, "metric", "mean", "std", "min", "max");
        foreach (var metric in report.MetricNames)
        {
            var s = report.MemberSummary[metric];
            members.Row(metric, Value(s.Mean), Value(s.Std), Value(s.Min), Value(s.Max));
        }
        console.Write(members);
        console.WriteLine();

        var curveMetrics = report.MetricNames.Take(CurveMetrics).ToList();
        console.WriteLine("Ensemble size (the first n members by index)");
        var curve = Tables.Create(console, ["size", .. curveMetrics.SelectMany(m => report.Rules.Select(r => $"{r.Name}_{m}"))]);
        foreach (var point in report.SizeCurve)
            curve.Row([point.Size.ToString(CultureInfo.InvariantCulture), .. curveMetrics.SelectMany(m => report.Rules.Select(r => Value(point.Metrics[r.Name][m])))]);
        console.Write(curve);

        if (report.Rows.Count > 0 && report.Rows[0].Decisions is not null) WriteDisagreements(console, report);
    }

    private static void WriteDisagreements(IAnsiConsole console, EnsembleReport report)
    {
        console.WriteLine();
        var rules = string.Join(" and ", report.Rules.Select(r => r.Name));
        console.WriteLine($"{rules} disagree on {report.Disagreements.Count} of {report.TestRows} test rows");
        if (report.Disagreements.Count == 0) return;
        var table = Tables.Create(console, ["row", "id", "target", .. report.Rules.SelectMany(r => new[] { r.ScoreColumn, $"{r.Name}_decision" })]);
        foreach (var row in report.Disagreements.Take(DisagreementsShown))
        {
            table.Row([
                row.Row.ToString(CultureInfo.InvariantCulture),
                row.Id ?? "-",
                string.Join(" ", row.Target.Select(t => t.ToString(CultureInfo.InvariantCulture))),
                .. report.Rules.SelectMany(r => new[] { RowScore(row, r.Name), row.Decisions![r.Name].ToString(CultureInfo.InvariantCulture) }),
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
