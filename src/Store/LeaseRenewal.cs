namespace EnsembleFarm.Store;

/// <summary>What a silo must act on after renewing its leases (<see cref="IFarmStore.RenewLeasesAsync"/>).</summary>
/// <param name="Lost">Trials it runs that are no longer its own (cancelled, or requeued after it was presumed dead): it must stop them. Each is told once.</param>
/// <param name="Stray">
/// Running attempts the store has on this silo that it did not name as running: a claim made for it whose answer never
/// reached it (the grain that claimed lived on a silo that froze or died), or a trial it stopped after a failed write.
/// Their leases were not extended.
/// </param>
public sealed record LeaseRenewal(IReadOnlyList<long> Lost, IReadOnlyList<StrayTrial> Stray);

/// <summary>A running attempt the store has on a silo that does not run it.</summary>
public sealed record StrayTrial(long CampaignId, TrialLease Lease);
