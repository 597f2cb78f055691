namespace EnsembleFarm.Store;

/// <summary>
/// The fencing token of one attempt of a trial. Every write about a running trial names it; the store
/// refuses a write whose attempt is not the trial's current running attempt owned by that silo.
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record TrialLease(long TrialId, int Attempt, string SiloId);
