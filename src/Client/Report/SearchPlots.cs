using System.Globalization;
using System.Text.Json.Nodes;
using EnsembleFarm.Domain.Search;
using EnsembleFarm.Store;

namespace EnsembleFarm.Client.Report;

/// <summary>
/// The plots of a search's report, from its <see cref="SearchReport"/> and its trials: the optimisation history,
/// parallel coordinates of the completed trials' parameters, parameter importance, the Pareto front (several
/// objectives) and the learning curves of completed and pruned trials. docs/results.md § 7 lists their points.
/// </summary>
internal static class SearchPlots
{
    private const string Completed = "#1f77b4", Pruned = "#ff7f0e", Best = "#d62728", Other = "rgba(120,120,120,0.5)";

    public static IReadOnlyList<ReportSection> Sections(SearchReport report, StoredSearch search)
    {
        var sections = new List<ReportSection>();
        if (report.History.Count > 0)
            sections.Add(new("Optimisation history", [History(report), ParallelCoordinates(report, search)]));
        if (report.Importance is not null) sections.Add(new("Parameter importance", [Importance(report)]));
        if (report.ParetoFront.Count > 0) sections.Add(new("Pareto front", [Pareto(report)]));
        sections.Add(new("Learning curves", [LearningCurves(report, search)]));
        return sections;
    }

    private static string Metric(SearchReport report, int objective = 0) => report.Objectives[objective].Metric;

    private static ReportPlot History(SearchReport report)
    {
        var completed = Traces.Markers("completed trial", Traces.Numbers(report.History.Select(h => (double)h.Number)), report.History.Select(h => h.Value),
            new JsonObject { ["size"] = 7, ["color"] = Completed });
        var best = Traces.Line("best so far", report.History.Select(h => (double)h.Number), report.History.Select(h => h.BestSoFar), colour: Best);
        best["line"]!["shape"] = "hv";
        return new ReportPlot("search-history", $"{Metric(report)} by trial",
            $"Each completed trial's {Metric(report)} (pruned and failed trials have none), and the best so far ({report.Objectives[0]}).",
            new JsonArray { completed, best }, new JsonObject { ["xaxis"] = Traces.Axis("trial"), ["yaxis"] = Traces.Axis(Metric(report)) });
    }

    /// <summary>
    /// One line per completed trial across one vertical axis per parameter and a last one for the first objective, each
    /// axis scaled to 0–1 over its values (a log parameter on its log scale, a categorical one by its choices' order);
    /// the best tenth of the trials in red. Drawn as scatter lines rather than plotly's WebGL parcoords, so that the page
    /// draws wherever SVG does.
    /// </summary>
    private static ReportPlot ParallelCoordinates(SearchReport report, StoredSearch search)
    {
        var objective = search.Search.Objectives[0];
        var trials = search.Trials.Where(t => t.HasResult(search.Search.Objectives.Count)).ToList();
        var parameters = search.Search.Space.Parameters.Where(p => trials.Any(t => t.Params.ContainsKey(p.Name))).ToList();
        var axes = parameters.Select(p => Axis(p, trials)).Append(ObjectiveAxis(objective.Metric, trials)).ToList();
        var bestCount = Math.Max(1, trials.Count / 10);
        var best = trials.OrderBy(t => objective.Loss(t.Values[0])).Take(bestCount).Select(t => t.Number).ToHashSet();
        var traces = new JsonArray();
        foreach (var trial in trials.OrderBy(t => best.Contains(t.Number)))
        {
            var isBest = best.Contains(trial.Number);
            var line = Traces.Line($"trial {trial.Number}", axes.Select((_, i) => (double)i), axes.Select(a => a.Position(trial)),
                width: isBest ? 2 : 1, group: isBest ? "best" : "others", legend: false, colour: isBest ? Best : Other);
            line["mode"] = "lines+markers";
            line["text"] = Traces.Texts(axes.Select(a => $"trial {trial.Number}: {a.Name} = {a.Text(trial)}"));
            line["hoverinfo"] = "text";
            traces.Add(line);
        }
        var layout = new JsonObject
        {
            ["xaxis"] = new JsonObject
            {
                ["tickvals"] = Traces.Numbers(axes.Select((_, i) => (double)i)),
                ["ticktext"] = Traces.Texts(axes.Select(a => a.Name)),
                ["showgrid"] = true,
                ["zeroline"] = false,
            },
            ["yaxis"] = Traces.Axis("position on each axis (0 = lowest value, 1 = highest)", [-0.05, 1.05]),
        };
        return new ReportPlot("search-parallel", "Parallel coordinates of the completed trials",
            $"One line per completed trial through its parameters and its {objective.Metric} (last axis); each axis runs from its lowest value to its highest " +
            $"(log parameters on a log scale, categories in their order); the best {bestCount} in red. Hover for the values; a missing point is a parameter the trial's configuration did not use.",
            traces, layout);
    }

    private sealed record PlotAxis(string Name, Func<FrozenTrial, double> Position, Func<FrozenTrial, string> Text);

    private static PlotAxis Axis(ParameterSpec parameter, IReadOnlyList<FrozenTrial> trials)
    {
        var name = parameter.Name;
        var present = trials.Where(t => t.Params.ContainsKey(name)).Select(t => t.Params[name]).ToList();
        string Text(FrozenTrial t) => t.Params.TryGetValue(name, out var value) ? value.ToString() : "(not used)";
        if (present.All(v => v.IsNumber))
        {
            var log = parameter.Distribution is FloatDistribution { Log: true } or IntDistribution { Log: true };
            double Scale(ParamValue v) => log ? Math.Log(v.AsDouble()) : v.AsDouble();
            var (low, high) = (present.Min(Scale), present.Max(Scale));
            return new PlotAxis(name, t => t.Params.TryGetValue(name, out var v) ? high > low ? (Scale(v) - low) / (high - low) : 0.5 : double.NaN, Text);
        }
        var choices = present.Select(v => v.ToString()).Distinct().Order(StringComparer.Ordinal).ToList();
        return new PlotAxis(name, t => t.Params.TryGetValue(name, out var v)
            ? choices.Count > 1 ? choices.IndexOf(v.ToString()) / (double)(choices.Count - 1) : 0.5
            : double.NaN, Text);
    }

    private static PlotAxis ObjectiveAxis(string metric, IReadOnlyList<FrozenTrial> trials)
    {
        var (low, high) = (trials.Min(t => t.Values[0]), trials.Max(t => t.Values[0]));
        return new PlotAxis(metric, t => high > low ? (t.Values[0] - low) / (high - low) : 0.5,
            t => t.Values[0].ToString("G4", CultureInfo.InvariantCulture));
    }

    private static ReportPlot Importance(SearchReport report)
    {
        var shares = report.Importance!.OrderBy(kv => kv.Value).ToList();
        var bars = new JsonObject
        {
            ["type"] = "bar",
            ["orientation"] = "h",
            ["name"] = "importance",
            ["x"] = Traces.Numbers(shares.Select(kv => kv.Value)),
            ["y"] = Traces.Texts(shares.Select(kv => kv.Key)),
            ["marker"] = new JsonObject { ["color"] = Completed },
        };
        return new ReportPlot("search-importance", $"Which parameters move {Metric(report)}",
            "Each parameter's share of the first objective's variation: permutation importance on a Gaussian-process surrogate fitted to the completed trials (shares sum to 1). With few trials a hint, not a measurement.",
            new JsonArray { bars }, new JsonObject { ["xaxis"] = Traces.Axis("share", [0, 1]), ["margin"] = new JsonObject { ["l"] = 220, ["t"] = 50 } });
    }

    private static ReportPlot Pareto(SearchReport report)
    {
        var withValues = report.Trials.Where(t => t.Values.Count == report.Objectives.Count).ToList();
        var front = report.ParetoFront.OrderBy(t => t.Values[0]).ToList();
        var all = Traces.Markers("completed trial", Traces.Numbers(withValues.Select(t => t.Values[0])), withValues.Select(t => t.Values[1]),
            new JsonObject { ["size"] = 7, ["color"] = Other });
        all["text"] = Traces.Texts(withValues.Select(t => $"trial {t.Number}"));
        var line = Traces.Line("Pareto front", front.Select(t => t.Values[0]), front.Select(t => t.Values[1]), colour: Best);
        line["mode"] = "lines+markers";
        line["line"]!["shape"] = "hv";
        line["text"] = Traces.Texts(front.Select(t => $"trial {t.Number}"));
        var more = report.Objectives.Count > 2 ? $" (of {report.Objectives.Count} objectives, the first two are drawn; the front is over all)" : "";
        return new ReportPlot("search-pareto", $"{Metric(report)} against {Metric(report, 1)}",
            $"Every completed trial, and in red those no other trial beats on every objective ({string.Join(", ", report.Objectives)}){more}.",
            new JsonArray { all, line }, new JsonObject { ["xaxis"] = Traces.Axis(Metric(report)), ["yaxis"] = Traces.Axis(Metric(report, 1)) });
    }

    /// <summary>Every completed and pruned trial's first objective by epoch: one legend entry per group.</summary>
    private static ReportPlot LearningCurves(SearchReport report, StoredSearch search)
    {
        var traces = new JsonArray();
        foreach (var (state, colour) in new[] { (TrialState.Completed, Completed), (TrialState.Pruned, Pruned) })
        {
            var group = state == TrialState.Completed ? "completed" : "pruned";
            var first = true;
            foreach (var trial in search.Trials.Where(t => t.State == state && t.IntermediateValues.Count > 0))
            {
                var steps = trial.IntermediateValues.OrderBy(kv => kv.Key).ToList();
                var line = Traces.Line(first ? $"{group} trials" : $"trial {trial.Number}", steps.Select(kv => (double)kv.Key), steps.Select(kv => kv.Value),
                    width: 1, group: group, legend: first, colour: colour);
                line["text"] = Traces.Texts(steps.Select(_ => $"trial {trial.Number}"));
                traces.Add(line);
                first = false;
            }
        }
        return new ReportPlot("search-curves", $"{Metric(report)} by epoch, completed vs pruned trials",
            "Each trial's first objective by epoch (its last attempt): completed trials in blue, those the pruner stopped in orange, ending at the epoch it stopped them.",
            traces, new JsonObject { ["xaxis"] = Traces.Axis("epoch"), ["yaxis"] = Traces.Axis(Metric(report)) });
    }
}
