using Orleans.Concurrency;
using EnsembleFarm.Store;

namespace EnsembleFarm.GrainInterfaces;

/// <summary>
/// One campaign's life: it hands its queued trials to the silos that ask (the dispatcher says which may), follows
/// their ends, pushes progress to subscribed clients, and tells the dispatcher how much work it still has. Its state
/// is a cache of the store, rebuilt on activation. Keyed by the campaign's id.
/// </summary>
public interface ICampaignGrain : IGrainWithIntegerKey
{
    /// <summary>Loads the campaign (if not yet) and tells the dispatcher of its queued trials.</summary>
    /// <returns>Null when no campaign has this id.</returns>
    Task<CampaignUpdate?> StartAsync();

    /// <summary>
    /// Claims up to <paramref name="freeSlots"/> slots' worth of queued trials for the silo, no more than its free GPUs
    /// can take (<paramref name="freeGpus"/>: one device id per free place, a GPU shared by several trials named as
    /// often), in the store (fenced: nobody else can have them), under a lease the silo renews, and returns them for the
    /// silo to run.
    /// </summary>
    Task<IReadOnlyList<ClaimedTrial>> ClaimAsync(string siloId, int freeSlots, IReadOnlyList<int> freeGpus, TimeSpan lease);

    /// <summary>Why its queued trials do not start (no silo could ever hold them, or none has the GPUs free now); null if they should.</summary>
    Task<string?> GetWaitingAsync();

    /// <summary>
    /// A silo has stored these epochs of a running trial of a search: the campaign's pruner judges its learning curve
    /// against the others'. Null: go on; a verdict: stop it as pruned (ensembles, and searches without a pruner, never prune).
    /// </summary>
    Task<PruneVerdict?> ReportEpochsAsync(long trialId, int attempt, IReadOnlyList<TrialEpoch> epochs);

    /// <summary>A silo has stored how a trial's attempt ended (completed, failed, released, pruned, or stopped).</summary>
    Task TrialEndedAsync(long trialId);

    /// <summary>The store changed behind the grain's back (trials of a dead silo requeued): reload.</summary>
    [OneWay]
    Task RefreshAsync();

    /// <summary>Cancels the campaign and stops its running trials. False when it had already ended.</summary>
    /// <exception cref="KeyNotFoundException">No campaign has this id.</exception>
    Task<bool> CancelAsync();

    /// <summary>Pushes every change of the campaign to <paramref name="observer"/> until it unsubscribes or lapses
    /// (subscriptions expire after <see cref="CampaignUpdate.SubscriptionLifetime"/>: renew before).</summary>
    /// <returns>The campaign as it is now; null when no campaign has this id.</returns>
    Task<CampaignUpdate?> SubscribeAsync(ICampaignObserver observer);

    Task UnsubscribeAsync(ICampaignObserver observer);
}
