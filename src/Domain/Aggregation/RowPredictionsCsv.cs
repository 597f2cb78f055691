namespace EnsembleFarm.Domain.Aggregation;

/// <summary>
/// Writes a report's per-row predictions as CSV, one line per test row:
/// <c>row[,id],target…,&lt;rule score&gt;…[,&lt;rule&gt;_decision…],member_std…[,member_q16…,member_q84…]</c>
/// (<see cref="PredictionColumns"/>). A column that holds one value per class or per target gets a <c>_k</c> suffix
/// (<c>average_p_2</c>, <c>mean_0</c>); a single value has none (<c>average_p</c>, <c>vote_fraction</c>).
/// Numbers are invariant-culture, shortest round-trip.
/// </summary>
public static class RowPredictionsCsv
{
    /// <summary>Writes the header and every row of <paramref name="report"/>; nothing for a report without rows.</summary>
    public static void Write(EnsembleReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        if (report.Rows.Count == 0) return;
        var first = report.Rows[0];
        var hasIds = first.Id is not null;
        var width = first.Scores[report.Rules[0].Name].Length;
        var csv = new CsvRowWriter(writer);

        csv.Text("row");
        if (hasIds) csv.Text("id");
        foreach (var name in CsvRowWriter.Columns("target", first.Target.Length)) csv.Text(name);
        foreach (var name in PredictionColumns.Names(report.Rules, width, first.Decisions is not null, first.Spread.Q16 is not null)) csv.Text(name);
        csv.EndRow();

        foreach (var row in report.Rows)
        {
            csv.Integer(row.Row);
            if (hasIds) csv.Text(row.Id ?? "");
            csv.Numbers(row.Target);
            foreach (var rule in report.Rules) csv.Numbers(row.Scores[rule.Name]);
            if (row.Decisions is { } decisions)
                foreach (var rule in report.Rules) csv.Integer(decisions[rule.Name]);
            csv.Numbers(row.Spread.Std);
            csv.Numbers(row.Spread.Q16);
            csv.Numbers(row.Spread.Q84);
            csv.EndRow();
        }
    }
}
