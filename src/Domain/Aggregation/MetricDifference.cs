using EnsembleFarm.Domain.Statistics;

namespace EnsembleFarm.Domain.Aggregation;

/// <summary>A metric of one predictor minus the same metric of another, on the same test rows.</summary>
/// <param name="Difference">First minus second on the whole test part.</param>
/// <param name="Interval">
/// The percentile bootstrap interval of the difference, both metrics computed on each resample (paired); null when the
/// bootstrap was skipped or a resample left a metric undefined.
/// </param>
public sealed record MetricDifference(double Difference, ConfidenceInterval? Interval);
