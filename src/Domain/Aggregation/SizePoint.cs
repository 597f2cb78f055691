namespace EnsembleFarm.Domain.Aggregation;

/// <summary>The rules' metrics with the first <paramref name="Size"/> members combined.</summary>
/// <param name="Metrics">Rule → metric → value.</param>
public sealed record SizePoint(int Size, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double?>> Metrics);
