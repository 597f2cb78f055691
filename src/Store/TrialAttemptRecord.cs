namespace EnsembleFarm.Store;

/// <summary>One attempt of a trial: which silo ran it and how it ended (null while it runs), so a retry's history stays queryable.</summary>
/// <param name="GpuDevices">The GPUs of <paramref name="SiloId"/> it ran on, as CUDA_VISIBLE_DEVICES named them (<c>0,1</c>); null for none.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record TrialAttemptRecord(
    long TrialId,
    int Attempt,
    string SiloId,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    AttemptOutcome? Outcome,
    string? Error,
    string? GpuDevices = null);
