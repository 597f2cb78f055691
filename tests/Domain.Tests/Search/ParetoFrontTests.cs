using EnsembleFarm.Domain.Search;
using EnsembleFarm.Store;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Search;

public class ParetoFrontTests
{
    private static FrozenTrial Done(int number, params double[] values) =>
        new(number, TrialState.Completed, new Dictionary<string, ParamValue>()) { Values = values };

    [Fact]
    public void The_front_is_the_completed_trials_nothing_beats_on_every_objective()
    {
        Objective[] objectives = [Objective.Minimize("val_loss"), Objective.Maximize("throughput")];
        FrozenTrial[] trials =
        [
            Done(0, 0.30, 100), Done(1, 0.20, 50), Done(2, 0.25, 40), Done(3, 0.10, 10), Done(4, 0.30, 90),
            new(5, TrialState.Running, new Dictionary<string, ParamValue>()), new(6, TrialState.Pruned, new Dictionary<string, ParamValue>()),
        ];

        Assert.Equal([0, 1, 3], ParetoFront.Of(trials, objectives).Select(t => t.Number));
    }

    [Fact]
    public void Hypervolume_is_exact_in_two_and_three_objectives()
    {
        Objective[] two = [Objective.Minimize("a"), Objective.Minimize("b")];
        // Points (1, 3), (2, 2), (3, 1) under reference (4, 4): 3·1 + 2·1 + 1·1 = 6.
        Assert.Equal(6, ParetoFront.Hypervolume([Done(0, 1, 3), Done(1, 2, 2), Done(2, 3, 1), Done(3, 3, 3)], two, [4, 4]), 12);

        Objective[] three = [Objective.Minimize("a"), Objective.Minimize("b"), Objective.Maximize("c")];
        // One point (1, 1, c = 3) under reference (2, 2, c = 0): a unit square times 3.
        Assert.Equal(3, ParetoFront.Hypervolume([Done(0, 1, 1, 3)], three, [2, 2, 0]), 12);
        // Two boxes 1×2×1 and 2×1×1 (c = 1 maximised, so 1 below the reference's 0 in loss) overlapping in 1×1×1: 2 + 2 − 1 = 3.
        Assert.Equal(3, ParetoFront.Hypervolume([Done(0, 1, 0, 1), Done(1, 0, 1, 1)], three, [2, 2, 0]), 12);
    }
}
