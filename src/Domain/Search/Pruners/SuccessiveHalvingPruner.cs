using EnsembleFarm.Store;

namespace EnsembleFarm.Domain.Search;

/// <summary>Settings of <see cref="SuccessiveHalvingPruner"/> (Optuna's names, in snake_case in a spec).</summary>
public sealed record SuccessiveHalvingPrunerOptions
{
    /// <summary>The epoch of the first rung: no trial is pruned before it has trained this long.</summary>
    public int MinResource { get; init; } = 1;

    /// <summary>η: rung k is at epoch min_resource·η^(min_early_stopping_rate + k), and a trial goes on past a rung only in the best 1/η there.</summary>
    public int ReductionFactor { get; init; } = 4;

    /// <summary>s: skips the first s rungs (Hyperband's brackets differ only in this).</summary>
    public int MinEarlyStoppingRate { get; init; }

    /// <summary>Prune every trial at a rung until more than this many trials have reached it (0: decide from the first).</summary>
    public int BootstrapCount { get; init; }
}

/// <summary>
/// Asynchronous successive halving (ASHA, Li et al. 2020; Optuna's SuccessiveHalvingPruner). Rungs sit at
/// geometrically spaced epochs; when a trial reaches a rung it is compared with every trial that reached
/// that rung before it (in any state), by its value at that rung, and goes on only if it is within the
/// best 1/η of them; otherwise it is pruned there. No trial waits for others, which suits a farm of silos
/// finishing at different times. As in Optuna, while fewer than η trials reached a rung, a trial goes on
/// only if it is the best there.
/// A trial's value at a rung is its value at its first report at or past the rung's epoch, read from the
/// learning curves, so the pruner keeps no state of its own.
/// </summary>
public sealed class SuccessiveHalvingPruner : IPruner
{
    private readonly SuccessiveHalvingPrunerOptions _options;

    public SuccessiveHalvingPruner(SuccessiveHalvingPrunerOptions? options = null)
    {
        _options = options ?? new SuccessiveHalvingPrunerOptions();
        if (_options.MinResource < 1) throw new ArgumentOutOfRangeException(nameof(options), $"min_resource must be >= 1, got {_options.MinResource}");
        if (_options.ReductionFactor < 2) throw new ArgumentOutOfRangeException(nameof(options), $"reduction_factor must be >= 2, got {_options.ReductionFactor}");
        if (_options.MinEarlyStoppingRate < 0) throw new ArgumentOutOfRangeException(nameof(options), $"min_early_stopping_rate must be >= 0, got {_options.MinEarlyStoppingRate}");
        if (_options.BootstrapCount < 0) throw new ArgumentOutOfRangeException(nameof(options), $"bootstrap_count must be >= 0, got {_options.BootstrapCount}");
    }

    public SuccessiveHalvingPrunerOptions Options => _options;

    /// <summary>The epoch of rung <paramref name="rung"/> (0-based).</summary>
    public long RungStep(int rung)
    {
        double step = _options.MinResource * Math.Pow(_options.ReductionFactor, _options.MinEarlyStoppingRate + rung);
        return step >= int.MaxValue ? int.MaxValue : (long)step;
    }

    public PruneDecision Decide(FrozenTrial trial, IReadOnlyList<FrozenTrial> others, Objective objective) =>
        Decide(trial, others, objective, "");

    /// <param name="where">Added to the reason after the rung ("in bracket 2 of 4"), for Hyperband.</param>
    internal PruneDecision Decide(FrozenTrial trial, IReadOnlyList<FrozenTrial> others, Objective objective, string where)
    {
        if (trial.LastStep is not { } step) return PruneDecision.Continue;
        var previous = trial.IntermediateValues.Keys.Where(s => s < step).DefaultIfEmpty(-1).Max();
        var value = trial.IntermediateValues[step];
        for (var rung = 0; ; rung++)
        {
            var rungStep = RungStep(rung);
            if (rungStep > step) return PruneDecision.Continue;
            if (rungStep <= previous) continue; // decided when the trial first reached this rung
            var at = $"rung {rung} (epoch {rungStep}){where}";
            if (double.IsNaN(value)) return PruneDecision.PruneAt(step, $"{objective.Metric} is not a number at epoch {step}, {at}");

            var competing = others
                .Where(t => t.Number != trial.Number)
                .Select(t => ValueAtRung(t, rungStep))
                .OfType<double>()
                .Append(value)
                .ToList();
            if (competing.Count <= _options.BootstrapCount)
                return PruneDecision.PruneAt(step, $"only {competing.Count} trial(s) reached {at}; bootstrap_count {_options.BootstrapCount} must be exceeded first");

            var cut = PromotionCut(competing, objective);
            if (objective.IsBetter(cut.Value, value))
            {
                var share = cut.Keep == 1 && competing.Count < _options.ReductionFactor
                    ? $"the best of the {competing.Count} trials that reached {at} (fewer than {_options.ReductionFactor} reached it, so only the best goes on)"
                    : $"in the best {cut.Keep} (1/{_options.ReductionFactor}) of the {competing.Count} trials that reached {at}";
                return PruneDecision.PruneAt(step,
                    $"{objective.Metric} {CurveText.Number(value)} at epoch {step} is not {share}: the cut is {CurveText.Number(cut.Value)}");
            }
        }
    }

    /// <summary>The value a trial had when it reached the rung: at its first report at or past the rung's epoch (never past the epoch it was pruned at).</summary>
    private static double? ValueAtRung(FrozenTrial trial, long rungStep)
    {
        int? first = null;
        foreach (var s in trial.IntermediateValues.Keys)
        {
            if (s < rungStep || (trial.State == TrialState.Pruned && trial.PrunedStep is { } p && s > p)) continue;
            if (first is null || s < first) first = s;
        }
        return first is { } f && !double.IsNaN(trial.IntermediateValues[f]) ? trial.IntermediateValues[f] : null;
    }

    /// <summary>The worst value still promoted: the (⌊n/η⌋)-th best, or the best while fewer than η trials competed.</summary>
    private (double Value, int Keep) PromotionCut(List<double> competing, Objective objective)
    {
        var keep = Math.Max(1, competing.Count / _options.ReductionFactor);
        var ordered = competing.OrderBy(objective.Loss).ToList();
        return (ordered[keep - 1], keep);
    }
}
