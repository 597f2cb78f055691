using EnsembleFarm.Domain.Search;
using EnsembleFarm.SearchProblems;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Search;

/// <summary>
/// The statistical bound every optimisation test uses: over five fixed seeds, the median best value is
/// below a stated threshold and below a stated fraction of random search's mean best with the same budget.
/// A median over seeds, not one lucky run.
/// </summary>
internal static class OptimisationAssert
{
    public static void BeatsRandom(string problem, Func<ulong, ISampler> sampler, SearchSpace space,
        Func<IReadOnlyDictionary<string, ParamValue>, double> f, int budget, double threshold, double fractionOfRandom)
    {
        var bests = StudyRunner.BestPerSeed(sampler, space, f, budget);
        var median = StudyRunner.Median(bests);
        var random = Baselines.RandomMeanBest(problem, space, f, budget);
        var detail = $"{problem}, {budget} trials: median best {median:G4} (seeds: {string.Join(", ", bests.Select(b => b.ToString("G3")))}), random mean best {random:G4}";
        TestContext.Current.TestOutputHelper?.WriteLine(detail);
        Assert.True(median < threshold, $"{detail}; threshold {threshold}");
        Assert.True(median < fractionOfRandom * random, $"{detail}; must be below {fractionOfRandom} × random");
    }
}
