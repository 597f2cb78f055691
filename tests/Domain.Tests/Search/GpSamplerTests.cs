using EnsembleFarm.Domain.Search;
using EnsembleFarm.SearchProblems;
using EnsembleFarm.Store;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Search;

/// <summary>The GP sampler with its defaults (10 random start-up trials) and 30 trials; bounds over 5 seeds.</summary>
public class GpSamplerTests
{
    private static ISampler Gp(ulong seed) => new GpSampler(new() { Seed = seed });

    [Fact]
    public void Reaches_the_Branin_minimum_within_30_trials() =>
        OptimisationAssert.BeatsRandom("branin", Gp, TestFunctions.BraninSpace, TestFunctions.Branin, 30, threshold: 0.45, fractionOfRandom: 0.3);

    [Fact]
    public void Models_the_learning_rate_on_its_log_axis() =>
        OptimisationAssert.BeatsRandom("lr", Gp, TestFunctions.LearningRateSpace, TestFunctions.LearningRateLoss, 30, threshold: 0.01, fractionOfRandom: 0.05);

    [Fact]
    public void Handles_a_categorical_parameter_beside_continuous_ones() =>
        OptimisationAssert.BeatsRandom("mixed", Gp, TestFunctions.MixedSpace, TestFunctions.Mixed, 30, threshold: 0.01, fractionOfRandom: 0.1);

    [Fact]
    public void The_constant_liar_spreads_parallel_suggestions_apart()
    {
        var space = TestFunctions.Box(2);
        Objective[] objectives = [Objective.Minimize("loss")];
        var done = StudyRunner.Run(new GpSampler(new() { Seed = 2 }), space, TestFunctions.ShiftedQuadratic, 15);

        double SmallestGap(ConstantLiar liar)
        {
            var sampler = new GpSampler(new() { Seed = 2, ConstantLiar = liar });
            var batch = new List<FrozenTrial>();
            for (var i = 0; i < 4; i++)
            {
                var s = sampler.Suggest(new SearchContext(space, objectives, [.. done, .. batch]));
                batch.Add(new FrozenTrial(done.Count + i, TrialState.Running, s.Params));
            }
            var points = batch.Select(t => new[] { t.Params["x0"].AsDouble(), t.Params["x1"].AsDouble() }).ToList();
            return points.SelectMany((p, i) => points.Skip(i + 1).Select(q => Math.Sqrt(Math.Pow(p[0] - q[0], 2) + Math.Pow(p[1] - q[1], 2)))).Min();
        }

        // Without the liar, the four silos get nearly the same point (only the duplicate check separates them).
        Assert.True(SmallestGap(ConstantLiar.None) < 0.05, $"without liar: {SmallestGap(ConstantLiar.None)}");
        Assert.True(SmallestGap(ConstantLiar.Worst) > 0.2, $"with liar: {SmallestGap(ConstantLiar.Worst)}");
    }
}
