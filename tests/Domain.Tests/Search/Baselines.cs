using System.Collections.Concurrent;
using EnsembleFarm.Domain.Search;
using EnsembleFarm.SearchProblems;

namespace EnsembleFarm.Domain.Tests.Search;

/// <summary>
/// Random search's mean best value per problem and budget (20 seeds), computed once and shared by the
/// sampler tests that must beat it.
/// </summary>
internal static class Baselines
{
    private static readonly ConcurrentDictionary<(string, int), Lazy<double>> Cache = new();

    public static double RandomMeanBest(string problem, SearchSpace space, Func<IReadOnlyDictionary<string, ParamValue>, double> f, int budget) =>
        Cache.GetOrAdd((problem, budget), _ => new Lazy<double>(() => StudyRunner.RandomMeanBest(space, f, budget))).Value;
}
