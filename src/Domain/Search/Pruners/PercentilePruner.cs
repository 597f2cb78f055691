using EnsembleFarm.Store;

namespace EnsembleFarm.Domain.Search;

/// <summary>Settings of <see cref="PercentilePruner"/> (Optuna's names, in snake_case in a spec).</summary>
public sealed record PercentilePrunerOptions
{
    /// <summary>Keep a trial whose best value so far is within the best <c>percentile</c> % of completed trials at the same step (0–100).</summary>
    public double Percentile { get; init; } = 25;

    /// <summary>Prune nothing until this many trials have completed: before that the comparison means little.</summary>
    public int NStartupTrials { get; init; } = 5;

    /// <summary>Prune no trial before this step: early epochs are noisy.</summary>
    public int NWarmupSteps { get; init; }

    /// <summary>Decide only every this many steps after the warm-up.</summary>
    public int IntervalSteps { get; init; } = 1;

    /// <summary>Decide only when at least this many completed trials reported the same step.</summary>
    public int NMinTrials { get; init; } = 1;
}

/// <summary>
/// Prunes a trial whose best intermediate value so far is worse than a percentile of the completed
/// trials' values at the same step (Optuna's PercentilePruner). With percentile 25 a trial must stay
/// within the best quarter of what finished trials had reached by then; with 50 it is the median pruner.
/// Only completed trials form the reference, so pruned and running trials never move the bar.
/// </summary>
public sealed class PercentilePruner : IPruner
{
    private readonly PercentilePrunerOptions _options;
    private readonly string _label;

    public PercentilePruner(PercentilePrunerOptions? options = null) : this(options ?? new PercentilePrunerOptions(), null) { }

    internal PercentilePruner(PercentilePrunerOptions options, string? label)
    {
        if (!(options.Percentile is >= 0 and <= 100)) throw new ArgumentOutOfRangeException(nameof(options), $"percentile must be from 0 to 100, got {options.Percentile}");
        if (options.NStartupTrials < 0) throw new ArgumentOutOfRangeException(nameof(options), $"n_startup_trials must be >= 0, got {options.NStartupTrials}");
        if (options.NWarmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(options), $"n_warmup_steps must be >= 0, got {options.NWarmupSteps}");
        if (options.IntervalSteps < 1) throw new ArgumentOutOfRangeException(nameof(options), $"interval_steps must be >= 1, got {options.IntervalSteps}");
        if (options.NMinTrials < 1) throw new ArgumentOutOfRangeException(nameof(options), $"n_min_trials must be >= 1, got {options.NMinTrials}");
        _options = options;
        _label = label ?? $"{CurveText.Number(options.Percentile)}th percentile";
    }

    public PercentilePrunerOptions Options => _options;

    public PruneDecision Decide(FrozenTrial trial, IReadOnlyList<FrozenTrial> others, Objective objective)
    {
        if (trial.LastStep is not { } step) return PruneDecision.Continue;
        var completed = others.Where(t => t.Number != trial.Number && t.State == TrialState.Completed).ToList();
        if (completed.Count == 0 || completed.Count < _options.NStartupTrials) return PruneDecision.Continue;
        if (step < _options.NWarmupSteps || !IsFirstReportInInterval(trial, step)) return PruneDecision.Continue;

        var current = trial.IntermediateValues[step];
        var best = CurveText.BestSoFar(trial, objective);
        if (double.IsNaN(best))
            return PruneDecision.PruneAt(step, $"{objective.Metric} is not a number at every epoch up to epoch {step}");

        var atStep = completed
            .Where(t => t.IntermediateValues.TryGetValue(step, out var v) && !double.IsNaN(v))
            .Select(t => t.IntermediateValues[step])
            .ToList();
        if (atStep.Count < _options.NMinTrials) return PruneDecision.Continue;
        // The best p % of the values: the p-th percentile when smaller is better, the (100 − p)-th otherwise.
        var percentile = objective.Direction == Direction.Minimize ? _options.Percentile : 100 - _options.Percentile;
        var bar = Percentile(atStep, percentile);
        if (!objective.IsBetter(bar, best)) return PruneDecision.Continue;

        var what = best.Equals(current)
            ? $"{objective.Metric} {CurveText.Number(current)} at epoch {step}"
            : $"{objective.Metric} {CurveText.Number(best)} (its best up to epoch {step}; {CurveText.Number(current)} at epoch {step})";
        var trials = atStep.Count == 1 ? "1 trial" : $"{atStep.Count} trials";
        return PruneDecision.PruneAt(step, $"{what} is worse than the {_label} {CurveText.Number(bar)} of {trials} at that epoch");
    }

    /// <summary>
    /// Decide at the first report in each interval: steps are checked at warmup + k·interval, and a trial
    /// that skips that exact step is checked at its first report past it.
    /// </summary>
    private bool IsFirstReportInInterval(FrozenTrial trial, int step)
    {
        var nearestLower = (step - _options.NWarmupSteps) / _options.IntervalSteps * _options.IntervalSteps + _options.NWarmupSteps;
        var previous = trial.IntermediateValues.Keys.Where(s => s < step).DefaultIfEmpty(-1).Max();
        return previous < nearestLower;
    }

    /// <summary>Linear interpolation between the closest ranks (numpy's default), <paramref name="p"/> in [0, 100].</summary>
    internal static double Percentile(List<double> values, double p)
    {
        values.Sort();
        var position = p / 100 * (values.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, values.Count - 1);
        return values[lower] + (position - lower) * (values[upper] - values[lower]);
    }
}
