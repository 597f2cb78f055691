namespace EnsembleFarm.Store;

public enum CampaignState { Queued, Running, Completed, Failed, Cancelled }

/// <summary>queued → running → completed | pruned | failed | cancelled; a retry puts a trial back to queued with a new attempt.</summary>
public enum TrialState { Queued, Running, Completed, Pruned, Failed, Cancelled }

public enum SiloState { Active, Draining, Stopped }

/// <summary>What a client submits: the campaign row and its first trials, written in one transaction.</summary>
/// <param name="SpecYaml">The spec exactly as submitted, so a campaign can always be re-read and re-run.</param>
/// <param name="DatasetSha256">Lower-case hex SHA-256 of the dataset file's bytes.</param>
/// <param name="TestSet">The campaign's held-out rows, fixed for all its trials.</param>
public sealed record NewCampaign(
    string Name,
    string Kind,
    string SpecYaml,
    string DatasetPath,
    string DatasetSha256,
    int MaxAttempts,
    CampaignTestSet TestSet);

/// <param name="Index">Member index in an ensemble, trial number in a search (0-based).</param>
/// <param name="ParamsJson">The trial's parameters as a JSON object ("{}" for a plain ensemble member).</param>
/// <param name="Slots">How many slots of a silo the trial occupies.</param>
public sealed record NewTrial(int Index, string ParamsJson, ulong SplitSeed, ulong InitSeed, int Slots = 1);

/// <summary>The held-out test part of a campaign: dataset row indices and their targets (row-major, TargetWidth per row).</summary>
public sealed record CampaignTestSet(int[] RowIndices, float[] Targets, int TargetWidth, string[]? Ids);

public sealed record CampaignRecord(
    long Id,
    string Name,
    string Kind,
    string SpecYaml,
    string DatasetPath,
    string DatasetSha256,
    CampaignState State,
    int MaxAttempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error);

public sealed record TrialRecord(
    long Id,
    long CampaignId,
    int Index,
    TrialState State,
    int Attempt,
    string ParamsJson,
    ulong SplitSeed,
    ulong InitSeed,
    int Slots,
    string? Owner,
    DateTimeOffset? LeaseExpiresAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error);

/// <summary>
/// The fencing token of one attempt of a trial. Every write about a running trial names it; the store
/// refuses a write whose attempt is not the trial's current running attempt owned by that silo.
/// </summary>
public sealed record TrialLease(long TrialId, int Attempt, string SiloId);

/// <summary>A trial handed to a silo by a claim, with what it needs to run it.</summary>
public sealed record ClaimedTrial(TrialRecord Trial, CampaignRecord Campaign, TrialLease Lease);

public sealed record SiloRecord(
    string Id,
    string Host,
    int ProcessId,
    IReadOnlyList<string> Slots,
    SiloState State,
    DateTimeOffset StartedAt,
    DateTimeOffset LastHeartbeat);

/// <summary>How one attempt of a trial ended.</summary>
public enum AttemptOutcome
{
    Completed,
    Failed,
    /// <summary>Given back unfinished by a draining silo; does not count against the retry limit.</summary>
    Released,
    /// <summary>Its silo stopped renewing the lease (presumed dead); counts against the retry limit.</summary>
    Expired,
    /// <summary>Its campaign was cancelled or failed while it ran.</summary>
    Cancelled,
}

/// <summary>One attempt of a trial: which silo ran it and how it ended (null while it runs), so a retry's history stays queryable.</summary>
public sealed record TrialAttemptRecord(
    long TrialId,
    int Attempt,
    string SiloId,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    AttemptOutcome? Outcome,
    string? Error);

public sealed record EpochMetrics(long TrialId, int Attempt, int Epoch, IReadOnlyDictionary<string, double> Metrics, DateTimeOffset RecordedAt);

/// <summary>What a completed trial leaves behind.</summary>
/// <param name="TestPredictions">On the campaign's test rows, in their order: P(y=1) per row (binary), K probabilities per row (multi-class), outputs per row (regression).</param>
/// <param name="PredictionWidth">Values per test row in <paramref name="TestPredictions"/>.</param>
/// <param name="ModelWeights">The model's weights in safetensors format.</param>
/// <param name="ModelJson">The model's architecture, task and feature standardisation.</param>
public sealed record TrialOutcome(
    IReadOnlyDictionary<string, double> FinalMetrics,
    float[] TestPredictions,
    int PredictionWidth,
    byte[] ModelWeights,
    string ModelJson);

public sealed record TrialPredictions(long TrialId, int Index, float[] TestPredictions, int PredictionWidth);

public sealed record StoredModel(long TrialId, byte[] Weights, string Json);

/// <summary>Counts of a campaign's trials by state.</summary>
public sealed record CampaignProgress(int Queued, int Running, int Completed, int Pruned, int Failed, int Cancelled)
{
    public int Total => Queued + Running + Completed + Pruned + Failed + Cancelled;
    public int Finished => Completed + Pruned + Failed + Cancelled;
}
