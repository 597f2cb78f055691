namespace EnsembleFarm.Domain.Aggregation;

/// <summary>
/// The prediction columns of a per-row CSV, shared by <c>farm results --csv</c> and <c>farm predict</c> so both files
/// read alike: each rule's score (<see cref="RuleInfo.ScoreColumn"/>), each rule's decision (classification), then the
/// members' spread: <c>member_std</c>, <c>member_q16</c>, <c>member_q84</c> (no quantiles for multi-class). A value
/// with several parts (classes, targets) gets a <c>_k</c> suffix per part.
/// </summary>
internal static class PredictionColumns
{
    public const string Std = "member_std";
    public const string Q16 = "member_q16";
    public const string Q84 = "member_q84";

    /// <param name="width">Values per rule score and per spread statistic: 1 (binary), K (multi-class), targets (regression).</param>
    public static IEnumerable<string> Names(IReadOnlyList<RuleInfo> rules, int width, bool decisions, bool quantiles)
    {
        var names = rules.SelectMany(rule => CsvRowWriter.Columns(rule.ScoreColumn, width));
        if (decisions) names = names.Concat(rules.Select(rule => $"{rule.Name}_decision"));
        names = names.Concat(CsvRowWriter.Columns(Std, width));
        return quantiles ? names.Concat(CsvRowWriter.Columns(Q16, width)).Concat(CsvRowWriter.Columns(Q84, width)) : names;
    }
}
