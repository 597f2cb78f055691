namespace EnsembleFarm.Store;

/// <summary>
/// The farm's one source of truth. Silos coordinate only through it: a claim is one transaction, a
/// lease is renewed by heartbeat, and every write about a running trial is fenced by its
/// <see cref="TrialLease"/>. Implementations (SQLite, PostgreSQL) pass the same contract tests.
/// Fenced writes return false, rather than throw, when the lease is no longer current: the caller's
/// attempt has been superseded (its lease expired and the trial was requeued) or the campaign was
/// cancelled, and the caller must stop working on that trial.
/// </summary>
public interface IFarmStore : IAsyncDisposable
{
    /// <summary>Creates or upgrades the schema to the current version. Safe to call from many processes.</summary>
    Task MigrateAsync(CancellationToken ct = default);

    // Campaigns --------------------------------------------------------------------------------

    /// <summary>Writes the campaign and its trials in one transaction and returns the campaign id.</summary>
    Task<long> CreateCampaignAsync(NewCampaign campaign, IReadOnlyList<NewTrial> trials, CancellationToken ct = default);

    Task<CampaignRecord?> GetCampaignAsync(long campaignId, CancellationToken ct = default);

    /// <summary>All campaigns, newest first.</summary>
    Task<IReadOnlyList<CampaignRecord>> ListCampaignsAsync(CancellationToken ct = default);

    Task<CampaignTestSet> GetTestSetAsync(long campaignId, CancellationToken ct = default);

    Task<CampaignProgress> GetProgressAsync(long campaignId, CancellationToken ct = default);

    /// <summary>
    /// Cancels the campaign: queued trials become cancelled at once; running ones become cancelled
    /// and their owners' next fenced write returns false. Returns false if it had already ended.
    /// </summary>
    Task<bool> CancelCampaignAsync(long campaignId, CancellationToken ct = default);

    /// <summary>Ends the campaign as failed with a reason (e.g. its dataset's hash no longer matches) and cancels its unfinished trials.</summary>
    Task FailCampaignAsync(long campaignId, string reason, CancellationToken ct = default);

    // Trials -----------------------------------------------------------------------------------

    Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(long campaignId, CancellationToken ct = default);

    Task<TrialRecord?> GetTrialAsync(long trialId, CancellationToken ct = default);

    /// <summary>
    /// Atomically takes up to <paramref name="freeSlots"/> slots' worth of queued trials (oldest
    /// campaign first, then trial index) for the silo: state running, attempt + 1, owner, lease expiry
    /// now + <paramref name="lease"/>. Marks their campaigns running. Two silos never get the same trial.
    /// </summary>
    Task<IReadOnlyList<ClaimedTrial>> ClaimTrialsAsync(string siloId, int freeSlots, TimeSpan lease, CancellationToken ct = default);

    /// <summary>Stores one epoch's metrics (fenced). False: stop, this attempt is no longer current.</summary>
    Task<bool> ReportEpochAsync(TrialLease lease, int epoch, IReadOnlyDictionary<string, double> metrics, CancellationToken ct = default);

    /// <summary>
    /// Stores several epochs' metrics in one transaction, fenced like <see cref="ReportEpochAsync"/>: all of them
    /// or, when the attempt is no longer current, none (false). A silo that reports off its training thread
    /// writes whatever queued up since its last write this way, so the store's write lock is taken once, not per epoch.
    /// A repeated epoch keeps the values given last.
    /// </summary>
    Task<bool> ReportEpochsAsync(TrialLease lease, IReadOnlyList<(int Epoch, IReadOnlyDictionary<string, double> Metrics)> epochs,
        CancellationToken ct = default);

    /// <summary>Stores the outcome and marks the trial completed (fenced); completes the campaign when it was the last open trial.</summary>
    Task<bool> CompleteTrialAsync(TrialLease lease, TrialOutcome outcome, CancellationToken ct = default);

    /// <summary>
    /// Records a failed attempt (fenced). The trial goes back to the queue while attempts remain
    /// (and <paramref name="retryable"/>), else it fails with the error; the campaign ends when no trial is open.
    /// </summary>
    Task<bool> FailTrialAsync(TrialLease lease, string error, bool retryable, CancellationToken ct = default);

    /// <summary>Gives an unfinished trial back to the queue without spending an attempt (a draining silo). Fenced.</summary>
    Task<bool> ReleaseTrialAsync(TrialLease lease, CancellationToken ct = default);

    /// <summary>
    /// Requeues every running trial whose lease expired before <paramref name="now"/> (its silo died),
    /// or fails it with the reason once its attempts are spent. Any silo may call it. Returns how many it touched.
    /// </summary>
    Task<int> RecoverExpiredLeasesAsync(DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Every attempt of the trial so far, oldest first.</summary>
    Task<IReadOnlyList<TrialAttemptRecord>> GetAttemptsAsync(long trialId, CancellationToken ct = default);

    /// <summary>The learning curve of the trial's current attempt (earlier attempts' epochs are kept but not returned), by epoch.</summary>
    Task<IReadOnlyList<EpochMetrics>> GetEpochMetricsAsync(long trialId, CancellationToken ct = default);

    Task<IReadOnlyDictionary<string, double>?> GetFinalMetricsAsync(long trialId, CancellationToken ct = default);

    /// <summary>Test-set predictions of the campaign's completed trials, by trial index.</summary>
    Task<IReadOnlyList<TrialPredictions>> GetPredictionsAsync(long campaignId, CancellationToken ct = default);

    Task<StoredModel?> GetModelAsync(long trialId, CancellationToken ct = default);

    // Silos ------------------------------------------------------------------------------------

    Task RegisterSiloAsync(SiloRecord silo, CancellationToken ct = default);

    /// <summary>
    /// Records the silo's heartbeat and extends the leases of the trials it runs to now + <paramref name="lease"/>.
    /// Returns the ids of trials it runs that are no longer its own (cancelled, or requeued after it was presumed dead).
    /// </summary>
    Task<IReadOnlyList<long>> HeartbeatAsync(string siloId, TimeSpan lease, CancellationToken ct = default);

    Task SetSiloStateAsync(string siloId, SiloState state, CancellationToken ct = default);

    Task<IReadOnlyList<SiloRecord>> ListSilosAsync(CancellationToken ct = default);
}
