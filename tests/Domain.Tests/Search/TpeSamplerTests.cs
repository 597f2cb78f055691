using EnsembleFarm.Domain.Search;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Search;

/// <summary>TPE with its defaults (10 random start-up trials) and 60 trials; bounds over 5 seeds (see <see cref="OptimisationAssert"/>).</summary>
public class TpeSamplerTests
{
    private static ISampler Tpe(ulong seed) => new TpeSampler(new() { Seed = seed });

    [Fact]
    public void Finds_the_optimum_region_of_a_shifted_quadratic_in_5_dimensions() =>
        OptimisationAssert.BeatsRandom("quad5", Tpe, TestFunctions.Box(5), TestFunctions.ShiftedQuadratic, 60, threshold: 4.0, fractionOfRandom: 0.5);

    [Fact]
    public void Finds_a_Branin_basin() =>
        OptimisationAssert.BeatsRandom("branin", Tpe, TestFunctions.BraninSpace, TestFunctions.Branin, 60, threshold: 0.8, fractionOfRandom: 0.7);

    [Fact]
    public void Finds_the_learning_rate_on_its_log_scale() =>
        OptimisationAssert.BeatsRandom("lr", Tpe, TestFunctions.LearningRateSpace, TestFunctions.LearningRateLoss, 60, threshold: 0.03, fractionOfRandom: 0.25);

    [Fact]
    public void Finds_the_best_optimizer_and_its_settings_in_a_mixed_space() =>
        OptimisationAssert.BeatsRandom("mixed", Tpe, TestFunctions.MixedSpace, TestFunctions.Mixed, 60, threshold: 0.02, fractionOfRandom: 0.25);

    [Fact]
    public void Finds_a_good_architecture_in_a_conditional_space() =>
        OptimisationAssert.BeatsRandom("arch", Tpe, TestFunctions.ArchitectureSpace, TestFunctions.ArchitectureLoss, 60, threshold: 0.5, fractionOfRandom: 0.5);
}
