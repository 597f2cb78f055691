using EnsembleFarm.Domain.Statistics;

namespace EnsembleFarm.Domain.Aggregation;

/// <summary>
/// One predictor against another on the test part: every metric's difference with its bootstrap interval, and paired
/// significance tests. The report compares its first rule with its second (average − vote; mean − median) and its
/// first rule with the mean member (<see cref="MeanMember"/>).
/// </summary>
/// <param name="First">A rule name.</param>
/// <param name="Second">A rule name, or <see cref="MeanMember"/>.</param>
/// <param name="Differences">Metric → first minus second; null where either metric is undefined.</param>
/// <param name="Tests">
/// Rule against rule: McNemar on accuracy (classification), DeLong on ROC AUC (binary), a paired z-test on absolute
/// errors (regression, metric "mae"). Rule against the mean member: a paired z-test on per-row accuracy
/// (classification) or absolute error (regression), DeLong on ROC AUC with the members' components averaged (binary).
/// </param>
public sealed record EnsembleComparison(
    string First,
    string Second,
    IReadOnlyDictionary<string, MetricDifference?> Differences,
    IReadOnlyList<SignificanceTest> Tests)
{
    /// <summary>
    /// The typical single member: its metric is the mean over the members of their own metrics (as in the report's
    /// member summary), on the full test part and on every resample alike.
    /// </summary>
    public const string MeanMember = "mean_member";
}
