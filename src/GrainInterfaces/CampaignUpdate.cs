using EnsembleFarm.Store;

namespace EnsembleFarm.GrainInterfaces;

/// <summary>A campaign as its grain sees it now: what a watcher shows.</summary>
/// <param name="LiveSlots">The slots of the live silos that can run this campaign's trials: none means it cannot progress.</param>
/// <param name="Remaining">The estimated time left; null until a trial completed, or when no silo can run it.</param>
/// <param name="Waiting">Why queued trials do not start, in words (no live silo; no silo with enough slots), if so.</param>
/// <param name="Sequence">
/// Grows with every update of a campaign: Orleans may deliver two pushed updates in either order, and a watcher keeps
/// the later one (0 where updates are not pushed, e.g. read from the store).
/// </param>
/// <param name="Search">For a search or nas campaign, its budget and best value so far; null for an ensemble.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record CampaignUpdate(CampaignRecord Campaign, CampaignProgress Progress, int LiveSlots, TimeSpan? Remaining, string? Waiting,
    long Sequence = 0, SearchStanding? Search = null)
{
    /// <summary>How long a subscription lasts without being renewed.</summary>
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(2);
}
