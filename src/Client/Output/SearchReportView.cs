using System.Globalization;
using EnsembleFarm.Domain.Search;
using EnsembleFarm.Store;
using Spectre.Console;

namespace EnsembleFarm.Client.Output;

/// <summary>
/// The human form of a <see cref="SearchReport"/>: the best trials, each new best of the optimisation history, parameter
/// importance, completed vs pruned learning curves and, for several objectives, the Pareto front.
/// </summary>
internal static class SearchReportView
{
    /// <summary>Epoch rows the learning-curve table keeps (evenly spread, the last always included); --json has all.</summary>
    private const int CurveRows = 12;

    public static void Write(IAnsiConsole console, CampaignRecord campaign, SearchReport report)
    {
        var p = report.Progress;
        console.WriteLine($"campaign {campaign.Id} '{campaign.Name}' ({campaign.Kind}, {Formats.State(campaign.State)}): {p.Total} of {report.Budget} trials; {Formats.Counts(p)}");
        console.WriteLine($"objectives: {string.Join(", ", report.Objectives)}");
        console.WriteLine();

        if (report.Best.Count == 0)
        {
            console.WriteLine("No trial has completed with every objective yet.");
        }
        else
        {
            console.WriteLine(report.Objectives.Count > 1
                ? "Best trials (Pareto front first, then each further front, by the first objective)"
                : "Best trials");
            console.Write(TrialTable(console, report, report.Best, ranked: true));
        }
        if (report.ParetoFront.Count > 0)
        {
            console.WriteLine();
            console.WriteLine($"Pareto front: {report.ParetoFront.Count} trials no other trial beats on every objective");
            console.Write(TrialTable(console, report, report.ParetoFront, ranked: false));
        }
        WriteHistory(console, report);
        WriteImportance(console, report);
        WriteCurves(console, report);
    }

    private static Table TrialTable(IAnsiConsole console, SearchReport report, IReadOnlyList<SearchTrialLine> lines, bool ranked)
    {
        string[] headers = [.. ranked ? ["rank"] : Array.Empty<string>(), "trial", .. report.Objectives.Select(o => o.Metric), "epochs", "parameters"];
        var table = Tables.Create(console, headers);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            table.Row([.. ranked ? [(i + 1).ToString(CultureInfo.InvariantCulture)] : Array.Empty<string>(),
                line.Number.ToString(CultureInfo.InvariantCulture), .. line.Values.Select(Value), line.Epochs.ToString(CultureInfo.InvariantCulture),
                Parameters(line)]);
        }
        return table;
    }

    private static void WriteHistory(IAnsiConsole console, SearchReport report)
    {
        if (report.History.Count == 0) return;
        console.WriteLine();
        console.WriteLine($"Optimisation history: each new best {report.Objectives[0].Metric} ({report.History.Count} completed trials in --json)");
        var table = Tables.Create(console, "trial", "value", "completed trials so far");
        double? best = null;
        for (var i = 0; i < report.History.Count; i++)
        {
            var point = report.History[i];
            if (best == point.BestSoFar) continue;
            best = point.BestSoFar;
            table.Row(point.Number.ToString(CultureInfo.InvariantCulture), Value(point.Value), (i + 1).ToString(CultureInfo.InvariantCulture));
        }
        console.Write(table);
    }

    private static void WriteImportance(IAnsiConsole console, SearchReport report)
    {
        console.WriteLine();
        if (report.Importance is not { } importance)
        {
            console.WriteLine($"Parameter importance: {report.ImportanceNote}");
            return;
        }
        console.WriteLine($"Parameter importance for {report.Objectives[0].Metric} (permutation on a Gaussian-process surrogate of the completed trials; shares sum to 1)");
        var table = Tables.Create(console, "parameter", "importance", "");
        foreach (var (name, share) in importance.OrderByDescending(kv => kv.Value))
            table.Row(name, share.ToString("0.000", CultureInfo.InvariantCulture), new string('#', (int)Math.Round(share * 40)));
        console.Write(table);
    }

    private static void WriteCurves(IAnsiConsole console, SearchReport report)
    {
        if (report.Curves.Count == 0) return;
        console.WriteLine();
        console.WriteLine($"Learning curves: median {report.Objectives[0].Metric} by epoch, completed vs pruned trials (how many reached the epoch)");
        var table = Tables.Create(console, "epoch", "completed", "pruned");
        var rows = report.Curves;
        var step = Math.Max(1, (rows.Count + CurveRows - 1) / CurveRows);
        for (var i = 0; i < rows.Count; i++)
        {
            if (i % step != 0 && i != rows.Count - 1) continue;
            var point = rows[i];
            table.Row(point.Epoch.ToString(CultureInfo.InvariantCulture), Median(point.Completed), Median(point.Pruned));
        }
        console.Write(table);
    }

    private static string Median(GroupMedian? median) => median is { } m ? $"{Value(m.Median)} ({m.Trials})" : "-";

    /// <summary>Objective values span accuracies and parameter counts: four significant digits reads for both.</summary>
    private static string Value(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    private static string Parameters(SearchTrialLine line) =>
        string.Join(" ", line.Params.Select(kv => $"{kv.Key}={kv.Value?.ToJsonString()}"));
}
