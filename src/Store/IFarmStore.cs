namespace EnsembleFarm.Store;

/// <summary>
/// The farm's one source of truth: everything a user may ask later, written as it happens. The cluster's grains
/// keep caches of it and rebuild them from it; exactly-once comes from here, not from Orleans. Every write about a
/// running trial is fenced by its <see cref="TrialLease"/>: fenced writes return false, rather than throw, when
/// the lease is no longer current (the attempt was superseded after its silo was declared dead, or the campaign
/// ended), and the caller must stop working on that trial. Implementations (SQLite, PostgreSQL) pass the same
/// contract tests.
/// </summary>
public interface IFarmStore : IAsyncDisposable
{
    /// <summary>Where the store is, for messages: a file path, or a server and database (never a password).</summary>
    string Location { get; }

    /// <summary>Creates or upgrades the schema to the current version. Safe to call from many processes at once.</summary>
    Task MigrateAsync(CancellationToken ct = default);

    // Campaigns --------------------------------------------------------------------------------

    /// <summary>Writes the campaign, its test part and its trials in one transaction and returns the campaign id.</summary>
    Task<long> CreateCampaignAsync(NewCampaign campaign, IReadOnlyList<NewTrial> trials, CancellationToken ct = default);

    Task<CampaignRecord?> GetCampaignAsync(long campaignId, CancellationToken ct = default);

    /// <summary>All campaigns, newest first.</summary>
    Task<IReadOnlyList<CampaignRecord>> ListCampaignsAsync(CancellationToken ct = default);

    /// <summary>The campaigns still queued or running, oldest first: what a cluster resumes when it starts.</summary>
    Task<IReadOnlyList<CampaignRecord>> ListOpenCampaignsAsync(CancellationToken ct = default);

    /// <summary>The newest campaign with this submission key that is still queued or running, if any.</summary>
    Task<CampaignRecord?> FindOpenCampaignAsync(string submissionKey, CancellationToken ct = default);

    /// <exception cref="KeyNotFoundException">No campaign has that id.</exception>
    Task<CampaignTestSet> GetTestSetAsync(long campaignId, CancellationToken ct = default);

    /// <exception cref="KeyNotFoundException">No campaign has that id.</exception>
    Task<CampaignProgress> GetProgressAsync(long campaignId, CancellationToken ct = default);

    /// <summary>
    /// Cancels the campaign: its queued and running trials become cancelled, and the running ones' next fenced write
    /// returns false. Returns false if the campaign had already ended.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No campaign has that id.</exception>
    Task<bool> CancelCampaignAsync(long campaignId, CancellationToken ct = default);

    /// <summary>
    /// Ends the campaign as failed with a reason (e.g. its dataset's hash no longer matches) and cancels its unfinished
    /// trials. Returns false if it had already ended.
    /// </summary>
    Task<bool> FailCampaignAsync(long campaignId, string reason, CancellationToken ct = default);

    /// <summary>
    /// An open-ended campaign will get no more trials (its search's budget is spent): it ends as soon as none of its
    /// trials is queued or running, at once when none is. Returns whether it has ended. Harmless on a sealed one.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No campaign has that id.</exception>
    Task<bool> SealCampaignAsync(long campaignId, CancellationToken ct = default);

    /// <summary>
    /// Deletes an ended campaign and everything of it in one transaction: its test part, trials, attempts, learning
    /// curves, metrics, predictions and models. A campaign that is queued or running is left alone
    /// (<see cref="CampaignDeletion.NotEnded"/>): its silos would write about trials that no longer exist, so it is
    /// cancelled first. A late fenced write about a deleted trial returns false, as for any superseded attempt.
    /// </summary>
    Task<CampaignDeletion> DeleteCampaignAsync(long campaignId, CancellationToken ct = default);

    // Trials -----------------------------------------------------------------------------------

    /// <summary>
    /// Adds queued trials to an open-ended campaign that has not ended (a search creates each trial when a silo asks
    /// for work) and returns them as stored. Nothing is added when the campaign has ended or is sealed (an empty list).
    /// </summary>
    /// <exception cref="ArgumentException">A trial's index is taken already, or a trial is not valid.</exception>
    /// <exception cref="KeyNotFoundException">No campaign has that id.</exception>
    Task<IReadOnlyList<TrialRecord>> AddTrialsAsync(long campaignId, IReadOnlyList<NewTrial> trials, CancellationToken ct = default);

    Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(long campaignId, CancellationToken ct = default);

    Task<TrialRecord?> GetTrialAsync(long trialId, CancellationToken ct = default);

    /// <summary>
    /// The campaign, with one of its trials and that trial's final metrics if it completed, read at one moment: what a
    /// campaign learns when a trial ends. Null when no campaign has that id.
    /// </summary>
    Task<EndedTrial?> GetEndedTrialAsync(long campaignId, long trialId, CancellationToken ct = default);

    /// <summary>
    /// Atomically takes up to <paramref name="freeSlots"/> slots' worth of the campaign's queued trials, lowest index
    /// first (a trial that needs more slots than remain is passed over for a later one that fits), for the silo:
    /// state running, attempt + 1, owner, lease expiry now + <paramref name="lease"/>; marks the campaign running.
    /// Two claims never get the same trial, whichever processes make them. Nothing when the campaign has ended, or
    /// when the silo was declared dead (<see cref="RecoverSiloTrialsAsync"/>).
    /// </summary>
    Task<IReadOnlyList<ClaimedTrial>> ClaimTrialsAsync(long campaignId, string siloId, int freeSlots, TimeSpan lease,
        CancellationToken ct = default);

    /// <summary>
    /// Stores epochs' metrics in one transaction, fenced: all of them or, when the attempt is no longer current, none
    /// (false). A repeated epoch keeps the values given last.
    /// </summary>
    Task<bool> ReportEpochsAsync(TrialLease lease, IReadOnlyList<(int Epoch, IReadOnlyDictionary<string, double> Metrics)> epochs,
        CancellationToken ct = default);

    /// <summary>
    /// Stores the outcome and marks the trial completed (fenced); completes the campaign when it was its last open trial.
    /// Repeated by the attempt that completed the trial (a retry after a lost acknowledgement) it returns true again
    /// and changes nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The predictions do not cover the campaign's test rows.</exception>
    Task<bool> CompleteTrialAsync(TrialLease lease, TrialOutcome outcome, CancellationToken ct = default);

    /// <summary>
    /// Records a failed attempt (fenced). The trial goes back to the queue while attempts remain (and
    /// <paramref name="retryable"/>), else it fails with the error; the campaign ends when no trial is open.
    /// </summary>
    Task<bool> FailTrialAsync(TrialLease lease, string error, bool retryable, CancellationToken ct = default);

    /// <summary>
    /// Ends a running trial as pruned at epoch <paramref name="step"/> with the pruner's reason (fenced); its learning
    /// curve stays. Counts as a success for its campaign's ending.
    /// </summary>
    Task<bool> PruneTrialAsync(TrialLease lease, int step, string reason, CancellationToken ct = default);

    /// <summary>
    /// Records the GPUs of its silo that a running attempt was given (device ids, as CUDA_VISIBLE_DEVICES names them),
    /// so that a result can be traced to the device it ran on. Fenced; false when the attempt is no longer current.
    /// </summary>
    Task<bool> RecordAttemptGpusAsync(TrialLease lease, IReadOnlyList<int> devices, CancellationToken ct = default);

    /// <summary>Gives an unfinished trial back to the queue without spending an attempt (a draining silo). Fenced.</summary>
    Task<bool> ReleaseTrialAsync(TrialLease lease, CancellationToken ct = default);

    // Leases and recovery ------------------------------------------------------------------------

    /// <summary>
    /// Extends to now + <paramref name="lease"/> the leases of the trials the silo names as running and the store has
    /// running on it, and returns the trials it runs that are no longer its own, each once, and the running attempts the
    /// store has on it that it did not name (<see cref="LeaseRenewal"/>), whose leases run on to their expiry.
    /// </summary>
    /// <param name="running">The trials the silo is running (training, or about to write their end).</param>
    Task<LeaseRenewal> RenewLeasesAsync(string siloId, IReadOnlyCollection<long> running, TimeSpan lease, CancellationToken ct = default);

    /// <summary>The silos that hold running trials, so the cluster can find the ones that are no longer alive.</summary>
    Task<IReadOnlyList<TrialOwner>> ListTrialOwnersAsync(CancellationToken ct = default);

    /// <summary>
    /// The silos are dead: each running trial they hold is requeued for its next attempt, or failed with
    /// <paramref name="reason"/> once its attempts are spent; their late writes are refused from now on, and their
    /// claims take nothing (a silo frozen past its detection may still ask, once thawed). Returns the ids of the
    /// campaigns whose trials moved.
    /// </summary>
    Task<IReadOnlyList<long>> RecoverSiloTrialsAsync(IReadOnlyCollection<string> siloIds, string reason, CancellationToken ct = default);

    /// <summary>
    /// The backstop for a silo that the cluster still believes alive but that stopped renewing its leases: requeues
    /// (or fails) every running trial whose lease expired before <paramref name="now"/>. Returns the ids of the
    /// campaigns whose trials moved.
    /// </summary>
    Task<IReadOnlyList<long>> RecoverExpiredLeasesAsync(DateTimeOffset now, CancellationToken ct = default);

    // Results ----------------------------------------------------------------------------------

    /// <summary>Every attempt of the trial so far, oldest first.</summary>
    Task<IReadOnlyList<TrialAttemptRecord>> GetAttemptsAsync(long trialId, CancellationToken ct = default);

    /// <summary>The learning curve of the trial's current attempt (earlier attempts' epochs are kept but not returned), by epoch.</summary>
    Task<IReadOnlyList<EpochMetrics>> GetEpochMetricsAsync(long trialId, CancellationToken ct = default);

    Task<IReadOnlyDictionary<string, double>?> GetFinalMetricsAsync(long trialId, CancellationToken ct = default);

    /// <summary>The learning curves of the campaign's trials (their current attempts), by trial then epoch: what a pruner reads.</summary>
    Task<IReadOnlyList<EpochMetrics>> GetCurvesAsync(long campaignId, CancellationToken ct = default);

    /// <summary>The final metrics of the campaign's completed trials, by trial id: what a search's objectives read.</summary>
    Task<IReadOnlyDictionary<long, IReadOnlyDictionary<string, double>>> GetFinalMetricsOfCampaignAsync(long campaignId, CancellationToken ct = default);

    /// <summary>Test-set predictions of the campaign's completed trials, by trial index.</summary>
    Task<IReadOnlyList<TrialPredictions>> GetPredictionsAsync(long campaignId, CancellationToken ct = default);

    Task<StoredModel?> GetModelAsync(long trialId, CancellationToken ct = default);
}
