namespace EnsembleFarm.Domain.Search;

/// <summary>A pruner's answer for a running trial after its latest report.</summary>
/// <param name="Prune">Stop the trial now.</param>
/// <param name="Step">The step (epoch) the decision was taken at, when pruned.</param>
/// <param name="Reason">Why, in words a user reads in <c>farm results</c>, when pruned.</param>
public sealed record PruneDecision(bool Prune, int? Step = null, string? Reason = null)
{
    public static PruneDecision Continue { get; } = new(false);

    public static PruneDecision PruneAt(int step, string reason) => new(true, step, reason);
}
