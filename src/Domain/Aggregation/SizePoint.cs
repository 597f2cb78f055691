using EnsembleFarm.Domain.Statistics;

namespace EnsembleFarm.Domain.Aggregation;

/// <summary>The rules' metrics with the first <paramref name="Size"/> members combined.</summary>
/// <param name="Metrics">Rule → metric → value.</param>
/// <param name="Intervals">
/// Rule → metric → its bootstrap interval at this size (the bands of the HTML report); null unless asked for
/// (<see cref="EnsembleAggregator.Aggregate"/>'s <c>sizeCurveIntervals</c>), since they cost a bootstrap per size.
/// </param>
public sealed record SizePoint(
    int Size,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double?>> Metrics,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, ConfidenceInterval?>>? Intervals = null);
