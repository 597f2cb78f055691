using EnsembleFarm.Domain.Search;
using EnsembleFarm.SearchProblems;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Search;

/// <summary>CMA-ES with its defaults and 120 trials; bounds over 5 seeds.</summary>
public class CmaEsSamplerTests
{
    private static ISampler Cma(ulong seed) => new CmaEsSampler(new() { Seed = seed });

    [Fact]
    public void Finds_the_optimum_region_of_a_shifted_quadratic_in_5_dimensions() =>
        OptimisationAssert.BeatsRandom("quad5", Cma, TestFunctions.Box(5), TestFunctions.ShiftedQuadratic, 120, threshold: 1.0, fractionOfRandom: 0.1);

    [Fact]
    public void Reaches_a_Branin_minimum() =>
        OptimisationAssert.BeatsRandom("branin", Cma, TestFunctions.BraninSpace, TestFunctions.Branin, 120, threshold: 0.5, fractionOfRandom: 0.6);

    [Fact]
    public void Finds_the_learning_rate_and_a_rounded_batch_size() =>
        OptimisationAssert.BeatsRandom("lr", Cma, TestFunctions.LearningRateSpace, TestFunctions.LearningRateLoss, 120, threshold: 0.001, fractionOfRandom: 0.05);

    [Fact]
    public void Tells_each_generation_once_and_restarts_with_a_doubled_population_when_converged()
    {
        // A loose tol_x makes the first run stop after a few dozen generations.
        var sampler = new CmaEsSampler(new() { Seed = 1, TolX = 1e-3 });
        var trials = StudyRunner.Run(sampler, TestFunctions.Box(2), TestFunctions.ShiftedQuadratic, 200);

        var generations = trials
            .GroupBy(t => (Restart: int.Parse(t.Attributes[CmaEsSampler.RestartAttribute]), Generation: int.Parse(t.Attributes[CmaEsSampler.GenerationAttribute])))
            .ToDictionary(g => g.Key, g => g.Count());
        // λ = 4 + ⌊3 ln 2⌋ = 6 per generation, then 12 after the first restart.
        Assert.All(generations.Where(g => g.Key.Restart == 0), g => Assert.Equal(6, g.Value));
        Assert.Contains(generations.Keys, k => k.Restart == 1);
        Assert.All(generations.Where(g => g.Key.Restart == 1 && g.Key != generations.Keys.Max()), g => Assert.Equal(12, g.Value));
        // Before the restart the run had converged on the optimum.
        var firstRun = trials.Where(t => t.Attributes[CmaEsSampler.RestartAttribute] == "0").ToList();
        Assert.True(StudyRunner.Best(firstRun) < 1e-4, $"best before the restart {StudyRunner.Best(firstRun)}");
    }
}
