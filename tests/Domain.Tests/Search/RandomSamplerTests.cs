using EnsembleFarm.Domain.Search;
using EnsembleFarm.SearchProblems;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Search;

public class RandomSamplerTests
{
    [Fact]
    public void Draws_log_scaled_parameters_uniformly_on_the_log_axis()
    {
        var space = TestFunctions.LearningRateSpace;
        var trials = StudyRunner.Run(new RandomSampler(new() { Seed = 4 }), space, _ => 0, 400);

        // lr from 1e-6 to 1: a sixth of the draws per decade; batch from 16 to 1024: half below 128.
        var decades = trials.GroupBy(t => (int)Math.Floor(Math.Log10(t.Params["lr"].AsDouble()))).ToDictionary(g => g.Key, g => g.Count());
        foreach (var decade in Enumerable.Range(-6, 6)) Assert.InRange(decades.GetValueOrDefault(decade), 40, 95);
        Assert.InRange(trials.Count(t => t.Params["batch"].AsInt() < 128), 160, 240);
    }

    [Fact]
    public void Finds_the_region_of_a_two_dimensional_quadratic_s_minimum_in_60_trials()
    {
        var bests = StudyRunner.BestPerSeed(s => new RandomSampler(new() { Seed = s }), TestFunctions.Box(2), TestFunctions.ShiftedQuadratic, 60);

        // The box is 10 × 10; a best value below 1 means within distance 1 of the optimum.
        Assert.True(StudyRunner.Median(bests) < 1.0, $"median best {StudyRunner.Median(bests)}");
    }
}
