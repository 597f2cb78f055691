namespace EnsembleFarm.Domain.Aggregation;

/// <summary>One metric over the members, each scored on its own.</summary>
/// <param name="Count">Members whose metric is defined; the statistics are over these.</param>
/// <param name="Std">Sample standard deviation (n − 1); 0 for a single member.</param>
public sealed record MetricSummary(int Count, double? Mean, double? Std, double? Min, double? Max);
