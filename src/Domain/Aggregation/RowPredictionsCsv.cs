using System.Globalization;

namespace EnsembleFarm.Domain.Aggregation;

/// <summary>
/// Writes a report's per-row predictions as CSV, one line per test row:
/// <c>row[,id],target…,&lt;rule score&gt;…[,&lt;rule&gt;_decision…]</c>. A column that holds one value per
/// class or per target gets a <c>_k</c> suffix (<c>average_p_2</c>, <c>mean_0</c>); a single value has
/// none (<c>average_p</c>, <c>vote_fraction</c>). Numbers are invariant-culture, shortest round-trip.
/// </summary>
public static class RowPredictionsCsv
{
    public static void Write(EnsembleReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        if (report.Rows.Count == 0) return;
        var first = report.Rows[0];
        var hasIds = first.Id is not null;
        var header = new List<string> { "row" };
        if (hasIds) header.Add("id");
        header.AddRange(Columns("target", first.Target.Length));
        foreach (var rule in report.Rules) header.AddRange(Columns(rule.ScoreColumn, first.Scores[rule.Name].Length));
        if (first.Decisions is not null) header.AddRange(report.Rules.Select(rule => $"{rule.Name}_decision"));
        writer.WriteLine(string.Join(',', header));

        var cells = new List<string>(header.Count);
        foreach (var row in report.Rows)
        {
            cells.Clear();
            cells.Add(row.Row.ToString(CultureInfo.InvariantCulture));
            if (hasIds) cells.Add(Quote(row.Id ?? ""));
            cells.AddRange(row.Target.Select(Number));
            foreach (var rule in report.Rules) cells.AddRange(row.Scores[rule.Name].Select(Number));
            if (row.Decisions is { } decisions)
                cells.AddRange(report.Rules.Select(rule => decisions[rule.Name].ToString(CultureInfo.InvariantCulture)));
            writer.WriteLine(string.Join(',', cells));
        }
    }

    private static IEnumerable<string> Columns(string name, int width) =>
        width == 1 ? [name] : Enumerable.Range(0, width).Select(k => $"{name}_{k}");

    private static string Number(float value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.</summary>
    private static string Quote(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
