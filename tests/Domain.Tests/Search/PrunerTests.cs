using EnsembleFarm.Domain.Search;
using EnsembleFarm.Store;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Search;

/// <summary>Learning curves built by hand, so that which trial should be stopped, and when, is known.</summary>
public class PrunerTests
{
    private static readonly Objective ValLoss = Objective.Minimize("val_loss");

    /// <summary>A trial with <paramref name="curve"/>[i] reported at epoch i + 1.</summary>
    private static FrozenTrial Trial(int number, TrialState state, params double[] curve) =>
        new(number, state, new Dictionary<string, ParamValue> { ["x"] = number })
        {
            IntermediateValues = curve.Select((v, i) => (Step: i + 1, v)).ToDictionary(x => x.Step, x => x.v),
            Values = state == TrialState.Completed ? [curve[^1]] : [],
        };

    /// <summary>Completed trials whose value at epoch e is base/e, base = 1.0, 1.1, …: at every epoch the median is base 1.2.</summary>
    private static List<FrozenTrial> FiveCompleted() =>
        Enumerable.Range(0, 5).Select(i => Trial(i, TrialState.Completed, Curve(1.0 + 0.1 * i, 10))).ToList();

    private static double[] Curve(double scale, int epochs) => Enumerable.Range(1, epochs).Select(e => scale / e).ToArray();

    /// <summary>Reports <paramref name="curve"/> epoch by epoch and returns the first decision to prune (null: never).</summary>
    private static PruneDecision? FirstPrune(IPruner pruner, IReadOnlyList<FrozenTrial> others, double[] curve, Objective? objective = null, int number = 100)
    {
        for (var epochs = 1; epochs <= curve.Length; epochs++)
        {
            var decision = pruner.Decide(Trial(number, TrialState.Running, curve[..epochs]), others, objective ?? ValLoss);
            if (decision.Prune) return decision;
        }
        return null;
    }

    [Fact]
    public void Median_stops_the_clearly_bad_trial_at_its_first_epoch_with_the_reason_and_never_the_good_ones()
    {
        var pruner = new MedianPruner();
        var others = FiveCompleted();

        var bad = FirstPrune(pruner, others, Curve(2.0, 10));
        Assert.NotNull(bad);
        Assert.Equal(1, bad.Step);
        Assert.Equal("val_loss 2 at epoch 1 is worse than the median 1.2 of 5 trials at that epoch", bad.Reason);

        Assert.Null(FirstPrune(pruner, others, Curve(1.0, 10)));
        Assert.Null(FirstPrune(pruner, others, Curve(1.2, 10))); // exactly the median is not worse
        foreach (var completed in others) Assert.Null(FirstPrune(pruner, others, Curve(1.0 + 0.1 * completed.Number, 10), number: completed.Number));
    }

    [Fact]
    public void Median_waits_for_its_start_up_trials_and_warm_up_epochs_and_checks_every_interval()
    {
        var others = FiveCompleted();

        Assert.Null(FirstPrune(new MedianPruner(new() { NStartupTrials = 6 }), others, Curve(2.0, 10)));
        Assert.Equal(4, FirstPrune(new MedianPruner(new() { NWarmupSteps = 4 }), others, Curve(2.0, 10))!.Step);

        // A curve that stalls at 0.5 falls behind the median (1.2/e) at epoch 3; checked every 2 epochs it is caught at 4.
        var stalls = Enumerable.Range(1, 10).Select(e => Math.Max(0.5, 1.0 / e)).ToArray();
        Assert.Equal(3, FirstPrune(new MedianPruner(), others, stalls)!.Step);
        var everyTwo = FirstPrune(new MedianPruner(new() { IntervalSteps = 2 }), others, stalls)!;
        Assert.Equal(4, everyTwo.Step);
        Assert.Equal("val_loss 0.5 at epoch 4 is worse than the median 0.3 of 5 trials at that epoch", everyTwo.Reason);
    }

    [Fact]
    public void Median_compares_with_completed_trials_only_and_follows_the_direction()
    {
        var others = FiveCompleted();
        others.Add(Trial(5, TrialState.Pruned, 0.01));
        others.Add(Trial(6, TrialState.Running, 0.01, 0.01));
        Assert.Null(FirstPrune(new MedianPruner(), others, Curve(1.1, 3)));

        var accuracy = Objective.Maximize("val_accuracy");
        var rising = Enumerable.Range(0, 5).Select(i => Trial(i, TrialState.Completed, [0.5 + 0.05 * i, 0.6 + 0.05 * i])).ToList();
        var low = FirstPrune(new MedianPruner(), rising, [0.55, 0.62], accuracy)!;
        Assert.Equal(1, low.Step);
        Assert.Equal("val_accuracy 0.55 at epoch 1 is worse than the median 0.6 of 5 trials at that epoch", low.Reason);
        Assert.Null(FirstPrune(new MedianPruner(), rising, [0.65, 0.75], accuracy));
    }

    [Fact]
    public void Percentile_25_stops_a_trial_in_the_second_quarter_that_the_median_keeps()
    {
        var others = FiveCompleted();
        var secondQuarter = Curve(1.15, 10);

        Assert.Null(FirstPrune(new MedianPruner(), others, secondQuarter));
        var decision = FirstPrune(new PercentilePruner(new() { Percentile = 25 }), others, secondQuarter)!;
        Assert.Equal(1, decision.Step);
        Assert.Equal("val_loss 1.15 at epoch 1 is worse than the 25th percentile 1.1 of 5 trials at that epoch", decision.Reason);
        Assert.Null(FirstPrune(new PercentilePruner(new() { Percentile = 25 }), others, Curve(1.05, 10)));
    }

    [Fact]
    public void A_pruned_trial_keeps_its_learning_curve_and_carries_the_step_and_reason()
    {
        var trial = Trial(9, TrialState.Running, 2.0, 1.9, 1.8);
        var decision = new MedianPruner().Decide(trial, FiveCompleted(), ValLoss);

        var pruned = trial.Pruned(decision);
        Assert.Equal(TrialState.Pruned, pruned.State);
        Assert.Equal(3, pruned.PrunedStep);
        Assert.Equal(decision.Reason, pruned.PruneReason);
        Assert.Equal([2.0, 1.9, 1.8], pruned.IntermediateValues.OrderBy(p => p.Key).Select(p => p.Value));
    }

    /// <summary>Nine trials that ran 9 epochs unpruned: value (1 + 0.1·i)/e, so each rung's ranking is known.</summary>
    private static List<FrozenTrial> NineFinished() =>
        Enumerable.Range(0, 9).Select(i => Trial(i, TrialState.Completed, Curve(1.0 + 0.1 * i, 9))).ToList();

    [Fact]
    public void Successive_halving_decides_only_at_the_rungs_and_keeps_the_best_third_there()
    {
        var pruner = new SuccessiveHalvingPruner(new() { MinResource = 1, ReductionFactor = 3 });
        Assert.Equal([1L, 3, 9], Enumerable.Range(0, 3).Select(pruner.RungStep));
        var others = NineFinished();

        // Epoch 1: 1.05 is among the best 3 of the 10 at rung 0 (cut 1.1). Epoch 2 is no rung, so nothing
        // happens however bad. Epoch 3: 0.45 is not among the best 3 of 10 at rung 1 (cut 0.4).
        var decision = FirstPrune(pruner, others, [1.05, 5.0, 0.45, 0.1])!;
        Assert.Equal(3, decision.Step);
        Assert.Equal("val_loss 0.45 at epoch 3 is not in the best 3 (1/3) of the 10 trials that reached rung 1 (epoch 3): the cut is 0.4", decision.Reason);

        // Good at every rung: never pruned, also past the last rung.
        Assert.Null(FirstPrune(pruner, others, [0.9, 0.6, 0.3, 0.2, 0.2, 0.2, 0.2, 0.2, 0.1, 0.1]));
        // Bad at rung 0: pruned at epoch 1.
        Assert.Equal(1, FirstPrune(pruner, others, [1.5])!.Step);
    }

    [Fact]
    public void Successive_halving_keeps_only_the_best_while_fewer_than_eta_reached_a_rung_and_handles_sparse_reports()
    {
        var pruner = new SuccessiveHalvingPruner(new() { MinResource = 1, ReductionFactor = 3 });
        var first = Trial(0, TrialState.Running, 0.5);

        Assert.False(pruner.Decide(first, [], ValLoss).Prune);
        var second = pruner.Decide(Trial(1, TrialState.Running, 0.7), [first], ValLoss);
        Assert.Equal("val_loss 0.7 at epoch 1 is not the best of the 2 trials that reached rung 0 (epoch 1) (fewer than 3 reached it, so only the best goes on): the cut is 0.5", second.Reason);
        Assert.False(pruner.Decide(Trial(2, TrialState.Running, 0.4), [first], ValLoss).Prune);

        // A trial that reports only at epochs 1 and 5 passes rung 1 (epoch 3) at epoch 5 and is judged by its value there;
        // the others' rung-1 values are their first reports at or after epoch 3.
        var others = NineFinished();
        var sparse = new FrozenTrial(50, TrialState.Running, new Dictionary<string, ParamValue>())
        {
            IntermediateValues = new Dictionary<int, double> { [1] = 1.0, [5] = 0.3 },
        };
        Assert.False(pruner.Decide(sparse, others, ValLoss).Prune);
        var late = sparse with { IntermediateValues = new Dictionary<int, double> { [1] = 1.0, [5] = 0.5 } };
        var decision = pruner.Decide(late, others, ValLoss);
        Assert.True(decision.Prune);
        Assert.Equal(5, decision.Step);
        Assert.Contains("rung 1 (epoch 3)", decision.Reason);
    }

    [Fact]
    public void Hyperband_assigns_brackets_deterministically_in_proportion_to_their_budgets()
    {
        var options = new HyperbandPrunerOptions { MinResource = 1, MaxResource = 81, ReductionFactor = 3 };
        var pruner = new HyperbandPruner(options);
        var again = new HyperbandPruner(options);

        Assert.Equal(5, pruner.BracketCount);
        Assert.Equal([1L, 3, 9, 27, 81], Enumerable.Range(0, 5).Select(b => pruner.Bracket(b).RungStep(0)));
        var brackets = Enumerable.Range(0, 2000).Select(pruner.BracketOf).ToArray();
        Assert.Equal(brackets, Enumerable.Range(0, 2000).Reverse().Select(again.BracketOf).Reverse());
        // Shares 81 : 34 : 15 : 8 : 5 of 143 (Optuna's allocation), within 5 standard deviations.
        int[] budgets = [81, 34, 15, 8, 5];
        for (var b = 0; b < 5; b++)
        {
            var expected = 2000.0 * budgets[b] / 143;
            var sd = Math.Sqrt(expected * (1 - budgets[b] / 143.0));
            Assert.InRange(brackets.Count(x => x == b), expected - 5 * sd, expected + 5 * sd);
        }
        Assert.NotEqual(brackets, Enumerable.Range(0, 2000).Select(new HyperbandPruner(options with { Seed = 1 }).BracketOf));
    }

    [Fact]
    public void Hyperband_trials_compete_only_within_their_bracket()
    {
        var pruner = new HyperbandPruner(new HyperbandPrunerOptions { MinResource = 1, MaxResource = 27, ReductionFactor = 3 });
        var aggressive = Enumerable.Range(0, 1000).Where(n => pruner.BracketOf(n) == 0).Take(2).ToArray();
        var patient = Enumerable.Range(0, 1000).First(n => pruner.BracketOf(n) == 1);
        var leader = Trial(aggressive[0], TrialState.Running, 0.1);

        var beaten = pruner.Decide(Trial(aggressive[1], TrialState.Running, 0.9), [leader], ValLoss);
        Assert.True(beaten.Prune);
        Assert.Contains("rung 0 (epoch 1) of bracket 0 of 4", beaten.Reason);

        // Bracket 1's first rung is epoch 3, and the leader of bracket 0 is not its competitor.
        Assert.False(pruner.Decide(Trial(patient, TrialState.Running, 0.9), [leader], ValLoss).Prune);
        Assert.False(pruner.Decide(Trial(patient, TrialState.Running, 0.9, 0.9, 0.9), [leader], ValLoss).Prune);
    }
}
