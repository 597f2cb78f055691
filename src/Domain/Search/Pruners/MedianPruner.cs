namespace EnsembleFarm.Domain.Search;

/// <summary>Settings of <see cref="MedianPruner"/> (as <see cref="PercentilePrunerOptions"/>, without the percentile).</summary>
public sealed record MedianPrunerOptions
{
    public int NStartupTrials { get; init; } = 5;

    public int NWarmupSteps { get; init; }

    public int IntervalSteps { get; init; } = 1;

    public int NMinTrials { get; init; } = 1;
}

/// <summary>
/// Prunes a trial whose best intermediate value so far is worse than the median of the completed trials'
/// values at the same step: the simplest pruner, and a safe default (Optuna's MedianPruner). It is the
/// percentile pruner at 50.
/// </summary>
public sealed class MedianPruner(MedianPrunerOptions? options = null) : IPruner
{
    private readonly PercentilePruner _inner = new(
        new PercentilePrunerOptions
        {
            Percentile = 50,
            NStartupTrials = (options ?? new()).NStartupTrials,
            NWarmupSteps = (options ?? new()).NWarmupSteps,
            IntervalSteps = (options ?? new()).IntervalSteps,
            NMinTrials = (options ?? new()).NMinTrials,
        },
        "median");

    public PruneDecision Decide(FrozenTrial trial, IReadOnlyList<FrozenTrial> others, Objective objective) =>
        _inner.Decide(trial, others, objective);
}
