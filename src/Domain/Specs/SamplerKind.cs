namespace EnsembleFarm.Domain.Specs;

/// <summary>The samplers a spec can name (<c>search.sampler</c>); docs/search.md describes each.</summary>
internal enum SamplerKind { Tpe, Random, Grid, Sobol, Gp, CmaEs, RegularizedEvolution, NsgaII }
