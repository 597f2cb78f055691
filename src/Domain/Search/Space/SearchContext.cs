using EnsembleFarm.Store;

namespace EnsembleFarm.Domain.Search;

/// <summary>
/// Everything a sampler may look at to suggest trial <see cref="TrialNumber"/>: the space, the
/// objectives, and every trial so far in trial-number order, whatever its state (completed, pruned,
/// failed, and the pending ones other silos are still running).
/// </summary>
public sealed record SearchContext
{
    /// <param name="trialNumber">The number the new trial will get; by default one past the largest number in <paramref name="trials"/>.</param>
    public SearchContext(SearchSpace space, IReadOnlyList<Objective> objectives, IReadOnlyList<FrozenTrial> trials, int? trialNumber = null)
    {
        if (objectives.Count == 0) throw new ArgumentException("a search needs at least one objective", nameof(objectives));
        var bad = trials.FirstOrDefault(t => t.State == TrialState.Completed && t.Values.Count != objectives.Count);
        if (bad is not null)
            throw new ArgumentException($"trial {bad.Number} is completed with {bad.Values.Count} value(s) but the search has {objectives.Count} objective(s)", nameof(trials));
        Space = space;
        Objectives = objectives;
        Trials = trials;
        TrialNumber = trialNumber ?? (trials.Count == 0 ? 0 : trials.Max(t => t.Number) + 1);
    }

    public SearchSpace Space { get; }

    public IReadOnlyList<Objective> Objectives { get; }

    public IReadOnlyList<FrozenTrial> Trials { get; }

    public int TrialNumber { get; }

    /// <summary>Completed trials with a finite value for every objective.</summary>
    public IEnumerable<FrozenTrial> Completed => Trials.Where(t => t.HasResult(Objectives.Count));

    /// <summary>Queued or running trials: taken points without a result yet.</summary>
    public IEnumerable<FrozenTrial> Pending => Trials.Where(t => t.IsPending);

    internal void RequireSingleObjective(string sampler)
    {
        if (Objectives.Count != 1)
            throw new NotSupportedException($"the {sampler} sampler optimises one objective, but the search has {Objectives.Count}; use nsga2 (or tpe) for several");
    }
}
