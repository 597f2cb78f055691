using EnsembleFarm.Domain.Search;
using EnsembleFarm.SearchProblems;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Search;

/// <summary>Regularized evolution with its defaults (population 20, tournament of 5) and 100 trials; bounds over 5 seeds.</summary>
public class RegularizedEvolutionSamplerTests
{
    private static ISampler Evolution(ulong seed) => new RegularizedEvolutionSampler(new() { Seed = seed });

    [Fact]
    public void Evolves_a_good_architecture_in_a_conditional_space() =>
        OptimisationAssert.BeatsRandom("arch", Evolution, TestFunctions.ArchitectureSpace, TestFunctions.ArchitectureLoss, 100, threshold: 0.4, fractionOfRandom: 0.5);

    [Fact]
    public void Finds_the_learning_rate_on_its_log_scale() =>
        OptimisationAssert.BeatsRandom("lr", Evolution, TestFunctions.LearningRateSpace, TestFunctions.LearningRateLoss, 100, threshold: 0.02, fractionOfRandom: 0.3);

    [Fact]
    public void A_child_differs_from_its_parent_in_one_parameter_plus_what_the_conditions_add_or_drop()
    {
        var trials = StudyRunner.Run(new RegularizedEvolutionSampler(new() { Seed = 3, PopulationSize = 10, SampleSize = 3 }),
            TestFunctions.ArchitectureSpace, TestFunctions.ArchitectureLoss, 60);

        foreach (var child in trials.Skip(10))
        {
            // Some earlier trial is its parent: all but one of the parameters they share are equal, and if
            // depth changed, only widths of added or removed layers differ besides it.
            var closest = trials.Take(child.Number).Min(parent =>
                child.Params.Count(p => parent.Params.TryGetValue(p.Key, out var v) && !v.Equals(p.Value)));
            Assert.Equal(1, closest);
        }
    }
}
