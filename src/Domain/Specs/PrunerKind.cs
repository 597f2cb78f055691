namespace EnsembleFarm.Domain.Specs;

/// <summary>The pruners a spec can name (<c>search.pruner</c>); docs/search.md describes each.</summary>
internal enum PrunerKind { Median, Percentile, SuccessiveHalving, Hyperband }
