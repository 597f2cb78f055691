using System.Globalization;
using System.Text.Json.Nodes;
using EnsembleFarm.Client.Commands;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.Store;

namespace EnsembleFarm.Client.Report;

/// <summary>
/// The plots of an ensemble's report, computed from its <see cref="EnsembleReport"/>, the members' stored test
/// predictions and their learning curves. docs/results.md § 7 says what each shows and how many points it has.
/// </summary>
internal static class EnsemblePlots
{
    /// <summary>The size curve is drawn for the task's headline metrics (accuracy and AUC, or RMSE and MAE), as in <c>farm results</c>.</summary>
    private const int SizeCurveMetrics = 2;

    /// <summary>ROC and precision-recall curves are taken at the thresholds 0, 0.01, …, 1 (score ≥ threshold is positive).</summary>
    public const int ThresholdSteps = 100;

    private static readonly string[] RuleColours = ["#1f77b4", "#d62728"];

    /// <summary>The curves every trainer reports, with how each is drawn.</summary>
    private static readonly (string Metric, string Dash)[] LossCurves = [("train_loss", "dash"), ("val_loss", "solid")];

    public static IReadOnlyList<ReportSection> Sections(CampaignResults results, CampaignCurves curves)
    {
        var report = results.Report;
        var sections = new List<ReportSection>
        {
            new("Ensemble size", [.. report.MetricNames.Take(SizeCurveMetrics).Select(m => SizeCurve(report, m))]),
        };
        if (report.Task == "binary")
        {
            var targets = report.Rows.Select(r => r.Target[0] == 1f).ToArray();
            var scorers = Scorers(results, report);
            sections.Add(new("Discrimination and calibration", [Roc(scorers, targets), PrecisionRecall(scorers, targets), Reliability(report, targets)]));
        }
        sections.Add(new("Members", [MemberMetrics(report)]));
        if (report.Rows[0].Decisions is not null) sections.Add(new("Where the rules disagree", [Disagreements(report)]));
        sections.Add(new("Learning curves", [LearningCurves(curves, report)]));
        return sections;
    }

    private static ReportPlot SizeCurve(EnsembleReport report, string metric)
    {
        var traces = new JsonArray();
        var confidence = report.Bootstrap?.Confidence ?? 0.95;
        foreach (var (rule, r) in report.Rules.Select((rule, r) => (rule.Name, r)))
        {
            var banded = report.SizeCurve
                .Select(p => (p.Size, Interval: p.Intervals?[rule][metric]))
                .Where(p => p.Interval is not null)
                .ToList();
            if (banded.Count > 0)
            {
                traces.Add(Traces.Band($"{rule} {confidence * 100:0.#} % interval", [.. banded.Select(p => (double)p.Size)],
                    [.. banded.Select(p => p.Interval!.Lower)], [.. banded.Select(p => p.Interval!.Upper)], rule, RuleColours[r % RuleColours.Length]));
            }
            var line = Traces.Line(rule, report.SizeCurve.Select(p => (double)p.Size), report.SizeCurve.Select(p => p.Metrics[rule][metric] ?? double.NaN),
                group: rule, colour: RuleColours[r % RuleColours.Length]);
            line["mode"] = "lines+markers";
            traces.Add(line);
        }
        return new ReportPlot($"size-{metric}", $"{metric} against ensemble size",
            $"The ensemble of the first n members (by index) on the test part, for each rule; the bands are {confidence * 100:0.#} % bootstrap intervals over the test rows.",
            traces, new JsonObject { ["xaxis"] = Traces.Axis("members combined"), ["yaxis"] = Traces.Axis(metric) });
    }

    /// <summary>
    /// Each member's P(y = 1) (drawn thin and grey, one legend entry for all), then each rule's score (mean probability;
    /// vote share) in its colour, every one over the test rows.
    /// </summary>
    private static List<Scorer> Scorers(CampaignResults results, EnsembleReport report) =>
    [
        .. results.Data.Predictions.OrderBy(p => p.Index).Select(p => new Scorer($"member {p.Index}", p.TestPredictions, null)),
        .. report.Rules.Select((rule, r) => new Scorer(rule.Name, [.. report.Rows.Select(row => row.Scores[rule.Name][0])], RuleColours[r % RuleColours.Length])),
    ];

    private sealed record Scorer(string Name, float[] Scores, string? Colour)
    {
        public JsonObject Trace(IEnumerable<double> x, IEnumerable<double> y)
        {
            if (Colour is not null) return Traces.Line(Name, x, y, width: 3, colour: Colour);
            // One legend entry stands for every member: clicking it hides or shows them all.
            var trace = Traces.Line(Name, x, y, width: 1, group: "members", legend: Name == "member 0", colour: "rgba(120,120,120,0.35)");
            trace["legendgrouptitle"] = new JsonObject { ["text"] = "members" };
            return trace;
        }
    }

    private static ReportPlot Roc(List<Scorer> scorers, bool[] targets)
    {
        var traces = new JsonArray { Traces.Line("chance", [0, 1], [0, 1], dash: "dot", width: 1, colour: "#999999") };
        foreach (var scorer in scorers)
        {
            var points = Thresholds().Select(t => Counts(scorer.Scores, targets, t)).Select(c => (Fpr: c.FalsePositives / c.Negatives, Tpr: c.TruePositives / c.Positives))
                .Append((Fpr: 0.0, Tpr: 0.0)).ToList();
            traces.Add(scorer.Trace(points.Select(p => p.Fpr), points.Select(p => p.Tpr)));
        }
        return new ReportPlot("roc", "ROC curves",
            $"True against false positive rate at the thresholds 0, 0.01, …, 1 (a row is positive when its score is at least the threshold), then (0, 0); members in grey. The vote's score is its share of votes.",
            traces, new JsonObject { ["xaxis"] = Traces.Axis("false positive rate", [0, 1]), ["yaxis"] = Traces.Axis("true positive rate", [0, 1.02]) });
    }

    private static ReportPlot PrecisionRecall(List<Scorer> scorers, bool[] targets)
    {
        var traces = new JsonArray();
        foreach (var scorer in scorers)
        {
            // A threshold above every score predicts nothing positive: its precision is undefined, so it has no point.
            var points = Thresholds().Select(t => Counts(scorer.Scores, targets, t)).Where(c => c.TruePositives + c.FalsePositives > 0)
                .Select(c => (Recall: c.TruePositives / c.Positives, Precision: c.TruePositives / (c.TruePositives + c.FalsePositives))).ToList();
            traces.Add(scorer.Trace(points.Select(p => p.Recall), points.Select(p => p.Precision)));
        }
        return new ReportPlot("precision-recall", "Precision-recall curves",
            "Precision against recall at the thresholds 0, 0.01, …, 1, where at least one row is predicted positive; members in grey.",
            traces, new JsonObject { ["xaxis"] = Traces.Axis("recall", [0, 1]), ["yaxis"] = Traces.Axis("precision", [0, 1.02]) });
    }

    private static IEnumerable<double> Thresholds() => Enumerable.Range(0, ThresholdSteps + 1).Select(k => k / (double)ThresholdSteps);

    private static (double TruePositives, double FalsePositives, double Positives, double Negatives) Counts(float[] scores, bool[] targets, double threshold)
    {
        double tp = 0, fp = 0, positives = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            if (targets[i]) positives++;
            if (scores[i] < threshold) continue;
            if (targets[i]) tp++;
            else fp++;
        }
        return (tp, fp, positives, scores.Length - positives);
    }

    /// <summary>The expected calibration error's ten equal-width bins: each non-empty bin's mean score against its share of positives.</summary>
    private static ReportPlot Reliability(EnsembleReport report, bool[] targets)
    {
        var traces = new JsonArray { Traces.Line("perfect calibration", [0, 1], [0, 1], dash: "dot", width: 1, colour: "#999999") };
        foreach (var (rule, r) in report.Rules.Select((rule, r) => (rule.Name, r)))
        {
            var bins = report.Rows.Select((row, i) => (Score: (double)row.Scores[rule][0], Positive: targets[i]))
                .GroupBy(p => Math.Min((int)(p.Score * 10), 9)).OrderBy(g => g.Key)
                .Select(g => (Mean: g.Average(p => p.Score), Observed: g.Average(p => p.Positive ? 1.0 : 0.0), Rows: g.Count())).ToList();
            var trace = Traces.Line(rule, bins.Select(b => b.Mean), bins.Select(b => b.Observed), colour: RuleColours[r % RuleColours.Length]);
            trace["mode"] = "lines+markers";
            trace["text"] = Traces.Texts(bins.Select(b => $"{b.Rows} rows"));
            traces.Add(trace);
        }
        return new ReportPlot("reliability", "Reliability diagram",
            "Each rule's score in ten equal-width bins (the bins of the expected calibration error): the bin's mean score against the share of positives in it; empty bins have no point. On the diagonal, a score means what it says.",
            traces, new JsonObject { ["xaxis"] = Traces.Axis("mean score in bin", [0, 1]), ["yaxis"] = Traces.Axis("observed share of positives", [0, 1.02]) });
    }

    private static ReportPlot MemberMetrics(EnsembleReport report)
    {
        var traces = new JsonArray();
        foreach (var metric in report.MetricNames)
        {
            var values = report.MemberResults.Select(m => m.Metrics[metric]).OfType<double>().ToList();
            traces.Add(new JsonObject
            {
                ["type"] = "box",
                ["name"] = metric,
                ["x"] = Traces.Texts(values.Select(_ => metric)),
                ["y"] = Traces.Numbers(values),
                ["boxpoints"] = "all",
                ["jitter"] = 0.4,
                ["pointpos"] = 0,
                ["marker"] = new JsonObject { ["color"] = "rgba(120,120,120,0.6)", ["size"] = 5 },
                ["showlegend"] = false,
            });
        }
        foreach (var (rule, r) in report.Rules.Select((rule, r) => (rule.Name, r)))
        {
            var defined = report.MetricNames.Where(m => report.Ensemble[rule][m] is not null).ToList();
            traces.Add(Traces.Markers(rule, Traces.Texts(defined), defined.Select(m => report.Ensemble[rule][m]!.Value),
                new JsonObject { ["size"] = 11, ["symbol"] = r == 0 ? "diamond" : "x", ["color"] = RuleColours[r % RuleColours.Length] }));
        }
        return new ReportPlot("member-metrics", "The members' metrics, each on its own",
            "Every member's metric on the test part (one point each, with its box), beside the ensemble's under each rule.",
            traces, new JsonObject { ["yaxis"] = Traces.Axis("value"), ["boxmode"] = "overlay" });
    }

    private static ReportPlot Disagreements(EnsembleReport report)
    {
        var (first, second) = (report.Rules[0], report.Rules[1]);
        var rows = report.Disagreements;
        // Both scores are of the class the first rule decided: for binary that is class 1's probability and vote share.
        double Score(RowPrediction row, RuleInfo rule) => row.Scores[rule.Name].Length == 1 ? row.Scores[rule.Name][0] : row.Scores[rule.Name][row.Decisions![first.Name]];
        var trace = Traces.Markers("disagreeing rows", Traces.Numbers(rows.Select(row => Score(row, first))), rows.Select(row => Score(row, second)),
            new JsonObject
            {
                ["size"] = 8,
                ["color"] = Traces.Numbers(rows.Select(row => (double)row.Target[0])),
                ["colorscale"] = "Portland",
                ["colorbar"] = new JsonObject { ["title"] = new JsonObject { ["text"] = "target" } },
            });
        trace["text"] = Traces.Texts(rows.Select(row => $"row {row.Row}{(row.Id is null ? "" : $" (id {row.Id})")}, target {row.Target[0].ToString(CultureInfo.InvariantCulture)}, "
            + $"{first.Name} says {row.Decisions![first.Name]}, {second.Name} says {row.Decisions[second.Name]}"));
        trace["error_x"] = new JsonObject { ["type"] = "data", ["array"] = Traces.Numbers(rows.Select(row => (double)row.Spread.Std[0])), ["thickness"] = 1 };
        return new ReportPlot("disagreements", $"The {rows.Count} test rows where {first.Name} and {second.Name} disagree",
            $"Each row where the rules decide differently: the {first.ScoreColumn} against the {second.ScoreColumn} (of the class {first.Name} chose), coloured by the true class; the horizontal bar is the members' standard deviation.",
            new JsonArray { trace }, new JsonObject { ["xaxis"] = Traces.Axis(first.ScoreColumn), ["yaxis"] = Traces.Axis(second.ScoreColumn) });
    }

    /// <summary>Every completed member's training and validation loss by epoch (its completed attempt).</summary>
    private static ReportPlot LearningCurves(CampaignCurves curves, EnsembleReport report)
    {
        var epochs = curves.Epochs.ToLookup(e => e.TrialId);
        var traces = new JsonArray();
        foreach (var member in report.MemberResults)
        {
            foreach (var (metric, dash) in LossCurves)
            {
                var points = epochs[member.TrialId].Where(e => e.Metrics.ContainsKey(metric)).ToList();
                if (points.Count == 0) continue;
                traces.Add(Traces.Line($"member {member.Index} {metric}", points.Select(e => (double)e.Epoch), points.Select(e => e.Metrics[metric]),
                    dash: dash, width: 1, group: $"member {member.Index}"));
            }
        }
        return new ReportPlot("learning-curves", "Learning curves",
            "Each member's training loss (dashed) and validation loss (solid) by epoch; click a legend entry to hide it, double-click to show only it.",
            traces, new JsonObject { ["xaxis"] = Traces.Axis("epoch"), ["yaxis"] = Traces.Axis("loss") });
    }
}
