namespace EnsembleFarm.GrainInterfaces;

/// <summary>
/// The cluster's scheduler (one, key 0): it knows which silos are alive and how many slots they have, and how much
/// work each open campaign has queued, and shares the slots fairly among campaigns. Silos pull: a silo with free
/// slots asks for work and is told which campaigns to claim from; a campaign with new work wakes idle silos. The
/// silo's own slot pool is the authority on its slots, so a scheduler with stale counts can never overbook one.
/// Its state is rebuilt from silos' registrations and campaigns' demands after a reactivation.
/// </summary>
public interface IDispatcherGrain : IGrainWithIntegerKey
{
    /// <summary>A silo's periodic report (its first one registers it).</summary>
    /// <returns>Whether queued work fits its free slots: a silo that missed a wake-up asks for it then.</returns>
    Task<bool> RegisterSiloAsync(SiloReport report);

    /// <summary>A silo stops taking work (it drains); its running trials still count until it reports them ended.</summary>
    Task SiloStoppingAsync(string siloId);

    /// <summary>The cluster declared these silos dead: their trials are requeued at once and their campaigns told.</summary>
    Task SilosDeadAsync(IReadOnlyList<string> siloIds);

    /// <summary>
    /// Which campaigns the silo should claim from, and how many slots for each, fairly across campaigns; a campaign whose
    /// trials need GPUs only while <paramref name="freeGpus"/> (GPU places) has room for them.
    /// </summary>
    Task<IReadOnlyList<WorkTicket>> RequestWorkAsync(string siloId, int freeSlots, int freeGpus);

    /// <summary>A campaign's queued work changed; returns the capacity that can serve it.</summary>
    Task<ClusterCapacity> UpdateDemandAsync(CampaignDemand demand);

    Task<ClusterCapacity> GetCapacityAsync();

    Task<IReadOnlyList<SiloReport>> ListSilosAsync();
}
