namespace EnsembleFarm.Store;

/// <summary>One attempt of a trial: which silo ran it and how it ended (null while it runs), so a retry's history stays queryable.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record TrialAttemptRecord(
    long TrialId,
    int Attempt,
    string SiloId,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    AttemptOutcome? Outcome,
    string? Error);
