using Microsoft.Data.Sqlite;
using static EnsembleFarm.Store.StoreRows;

namespace EnsembleFarm.Store;

public sealed partial class SqliteFarmStore
{
    /// <summary>The fencing condition: the lease names the trial's current running attempt and its owner.</summary>
    private const string LeaseIsCurrent =
        "SELECT EXISTS (SELECT 1 FROM trials WHERE id = @trial AND state = 'running' AND attempt = @attempt AND owner = @silo);";

    public Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(long campaignId, CancellationToken ct = default) =>
        AsTask<IReadOnlyList<TrialRecord>>(() => Read(connection => List(connection, null,
            $"SELECT {TrialColumns} FROM trials t WHERE t.campaign_id = @id ORDER BY t.idx;",
            reader => ReadTrial(reader, 0), ("@id", campaignId)), ct));

    public Task<TrialRecord?> GetTrialAsync(long trialId, CancellationToken ct = default) =>
        AsTask(() => Read(connection => List(connection, null,
            $"SELECT {TrialColumns} FROM trials t WHERE t.id = @id;",
            reader => ReadTrial(reader, 0), ("@id", trialId)).SingleOrDefault(), ct));

    public Task<EndedTrial?> GetEndedTrialAsync(long campaignId, long trialId, CancellationToken ct = default) =>
        AsTask(() => Read(connection => List(connection, null, EndedTrialQuery, ReadEndedTrial, ("@campaign", campaignId), ("@trial", trialId))
            .SingleOrDefault(), ct));

    public Task<IReadOnlyList<TrialRecord>> AddTrialsAsync(long campaignId, IReadOnlyList<NewTrial> trials, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(trials);
        StoreValidation.ValidateTrials(trials);
        if (trials.Count == 0) return Task.FromResult<IReadOnlyList<TrialRecord>>([]);
        return AsTask<IReadOnlyList<TrialRecord>>(() => Write<IReadOnlyList<TrialRecord>>((connection, transaction, _) =>
        {
            var open = List(connection, transaction, $"SELECT state IN {OpenCampaignStates}, open_ended FROM campaigns WHERE id = @id;",
                reader => reader.GetInt64(0) == 1 && reader.GetInt64(1) == 1, ("@id", campaignId));
            if (open.Count == 0) throw StoreRules.CampaignNotFound(campaignId);
            if (!open[0]) return [];
            var taken = trials.Where(t => Scalar<long>(connection, transaction,
                "SELECT COUNT(*) FROM trials WHERE campaign_id = @campaign AND idx = @idx;", ("@campaign", campaignId), ("@idx", t.Index)) > 0).ToList();
            if (taken.Count > 0) throw StoreRules.IndexTaken(campaignId, taken[0].Index);
            InsertTrials(connection, transaction, campaignId, trials);
            return List(connection, transaction, $"""
                SELECT {TrialColumns} FROM trials t WHERE t.campaign_id = @campaign AND t.idx IN (SELECT value FROM json_each(@indices)) ORDER BY t.idx;
                """, reader => ReadTrial(reader, 0), ("@campaign", campaignId), ("@indices", StoreCodec.IdsToJson([.. trials.Select(t => (long)t.Index)])));
        }, ct));
    }

    public Task<IReadOnlyList<ClaimedTrial>> ClaimTrialsAsync(long campaignId, string siloId, int freeSlots, TimeSpan lease,
        CancellationToken ct = default)
    {
        StoreValidation.RequireText(siloId, nameof(siloId));
        ArgumentOutOfRangeException.ThrowIfNegative(freeSlots);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        if (freeSlots == 0) return Task.FromResult<IReadOnlyList<ClaimedTrial>>([]);

        return AsTask<IReadOnlyList<ClaimedTrial>>(() => Write((connection, transaction, now) =>
        {
            if (Scalar<long>(connection, transaction, "SELECT COUNT(*) FROM dead_silos WHERE silo_id = @silo;", ("@silo", siloId)) > 0)
                return [];
            var chosen = ChooseQueuedTrials(connection, transaction, campaignId, freeSlots);
            if (chosen.Count == 0) return [];
            // One statement per step for all chosen trials (not per trial): the write lock is held the shorter.
            var ids = StoreCodec.IdsToJson(chosen);
            Execute(connection, transaction, """
                UPDATE trials SET state = 'running', attempt = attempt + 1, owner = @silo, lease_expires_at = @expires,
                                  started_at = @now, finished_at = NULL
                WHERE id IN (SELECT value FROM json_each(@ids));
                INSERT INTO trial_attempts (trial_id, attempt, silo_id, started_at)
                SELECT id, attempt, @silo, @now FROM trials WHERE id IN (SELECT value FROM json_each(@ids));
                UPDATE campaigns SET state = 'running', started_at = COALESCE(started_at, @now) WHERE id = @campaign AND state = 'queued';
                """,
                ("@ids", ids), ("@silo", siloId), ("@now", now), ("@expires", now + (long)lease.TotalMilliseconds),
                ("@campaign", campaignId));
            return List(connection, transaction, $"""
                SELECT {TrialColumns}, {CampaignColumns} FROM trials t JOIN campaigns c ON c.id = t.campaign_id
                WHERE t.id IN (SELECT value FROM json_each(@ids)) ORDER BY t.idx;
                """,
                reader => ReadClaimedTrial(reader, siloId), ("@ids", ids));
        }, ct));
    }

    private static List<long> ChooseQueuedTrials(SqliteConnection connection, SqliteTransaction transaction, long campaignId, int freeSlots) =>
        StoreRules.FitToSlots(List(connection, transaction, $"""
            SELECT t.id, t.slots FROM trials t JOIN campaigns c ON c.id = t.campaign_id
            WHERE t.campaign_id = @campaign AND t.state = 'queued' AND t.slots <= @free AND c.state IN {OpenCampaignStates}
            ORDER BY t.idx;
            """, reader => (reader.GetInt64(0), reader.GetInt32(1)), ("@campaign", campaignId), ("@free", freeSlots)), freeSlots);

    public Task<bool> ReportEpochsAsync(TrialLease lease, IReadOnlyList<(int Epoch, IReadOnlyDictionary<string, double> Metrics)> epochs,
        CancellationToken ct = default)
    {
        StoreValidation.ValidateLease(lease);
        ArgumentNullException.ThrowIfNull(epochs);
        var rows = new (int Epoch, string Json)[epochs.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var (epoch, metrics) = epochs[i];
            ArgumentOutOfRangeException.ThrowIfNegative(epoch, $"{nameof(epochs)}[{i}].Epoch");
            ArgumentNullException.ThrowIfNull(metrics, $"{nameof(epochs)}[{i}].Metrics");
            rows[i] = (epoch, StoreCodec.MetricsToJson(metrics));
        }
        return AsTask(() => Write((connection, transaction, now) =>
        {
            if (!IsCurrent(connection, transaction, lease)) return false;
            foreach (var (epoch, json) in rows)
            {
                Execute(connection, transaction, """
                    INSERT INTO epoch_metrics (trial_id, attempt, epoch, metrics_json, recorded_at) VALUES (@trial, @attempt, @epoch, @json, @now)
                    ON CONFLICT (trial_id, attempt, epoch) DO UPDATE SET metrics_json = excluded.metrics_json, recorded_at = excluded.recorded_at;
                    """,
                    ("@trial", lease.TrialId), ("@attempt", lease.Attempt), ("@epoch", epoch), ("@json", json), ("@now", now));
            }
            return true;
        }, ct));
    }

    public Task<bool> CompleteTrialAsync(TrialLease lease, TrialOutcome outcome, CancellationToken ct = default)
    {
        StoreValidation.ValidateLease(lease);
        StoreValidation.ValidateOutcome(outcome);
        var metricsJson = StoreCodec.MetricsToJson(outcome.FinalMetrics);
        var predictions = StoreCodec.ToBlob(outcome.TestPredictions);
        return AsTask(() => Write((connection, transaction, now) =>
        {
            if (!IsCurrent(connection, transaction, lease)) return CompletedBy(connection, transaction, lease);
            var (campaignId, testRows) = List(connection, transaction, """
                SELECT t.campaign_id, s.row_count FROM trials t JOIN campaign_test_sets s ON s.campaign_id = t.campaign_id
                WHERE t.id = @trial;
                """, reader => (reader.GetInt64(0), reader.GetInt32(1)), ("@trial", lease.TrialId)).Single();
            StoreValidation.ValidatePredictionCount(outcome, testRows);

            Execute(connection, transaction, """
                INSERT OR REPLACE INTO final_metrics (trial_id, metrics_json) VALUES (@trial, @metrics);
                INSERT OR REPLACE INTO predictions (trial_id, width, values_f32le) VALUES (@trial, @width, @predictions);
                INSERT OR REPLACE INTO models (trial_id, weights, model_json) VALUES (@trial, @weights, @model);
                UPDATE trials SET state = 'completed', finished_at = @now, lease_expires_at = NULL, error = NULL WHERE id = @trial;
                """,
                ("@trial", lease.TrialId), ("@metrics", metricsJson), ("@width", outcome.PredictionWidth),
                ("@predictions", predictions), ("@weights", outcome.ModelWeights), ("@model", outcome.ModelJson), ("@now", now));
            EndAttempt(connection, transaction, lease, now, AttemptOutcome.Completed, error: null, ownerKnows: true);
            EndCampaignIfDone(connection, transaction, campaignId, now);
            return true;
        }, ct));
    }

    public Task<bool> FailTrialAsync(TrialLease lease, string error, bool retryable, CancellationToken ct = default)
    {
        StoreValidation.ValidateLease(lease);
        StoreValidation.RequireText(error, nameof(error));
        return AsTask(() => Write((connection, transaction, now) =>
        {
            if (!IsCurrent(connection, transaction, lease)) return false;
            EndAttempt(connection, transaction, lease, now, AttemptOutcome.Failed, error, ownerKnows: true);
            var attempt = List(connection, transaction, """
                SELECT t.campaign_id, t.failed_attempts, c.max_attempts FROM trials t JOIN campaigns c ON c.id = t.campaign_id
                WHERE t.id = @trial;
                """, reader => new SpentAttempt(lease.TrialId, reader.GetInt64(0), reader.GetInt32(1) + 1, reader.GetInt32(2)),
                ("@trial", lease.TrialId)).Single();
            RequeueOrFail(connection, transaction, attempt, now, error, retryable);
            return true;
        }, ct));
    }

    public Task<bool> PruneTrialAsync(TrialLease lease, int step, string reason, CancellationToken ct = default)
    {
        StoreValidation.ValidateLease(lease);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        StoreValidation.RequireText(reason, nameof(reason));
        return AsTask(() => Write((connection, transaction, now) =>
        {
            if (!IsCurrent(connection, transaction, lease)) return false;
            EndAttempt(connection, transaction, lease, now, AttemptOutcome.Pruned, reason, ownerKnows: true);
            Execute(connection, transaction, """
                UPDATE trials SET state = 'pruned', finished_at = @now, lease_expires_at = NULL, error = @reason, pruned_step = @step WHERE id = @trial;
                """, ("@trial", lease.TrialId), ("@now", now), ("@reason", reason), ("@step", step));
            var campaignId = Scalar<long>(connection, transaction, "SELECT campaign_id FROM trials WHERE id = @trial;", ("@trial", lease.TrialId));
            EndCampaignIfDone(connection, transaction, campaignId, now);
            return true;
        }, ct));
    }

    public Task<bool> RecordAttemptGpusAsync(TrialLease lease, IReadOnlyList<int> devices, CancellationToken ct = default)
    {
        StoreValidation.ValidateLease(lease);
        var text = StoreValidation.GpuDevices(devices);
        return AsTask(() => Write((connection, transaction, _) =>
        {
            if (!IsCurrent(connection, transaction, lease)) return false;
            Execute(connection, transaction, "UPDATE trial_attempts SET gpu_devices = @devices WHERE trial_id = @trial AND attempt = @attempt;",
                ("@devices", text), ("@trial", lease.TrialId), ("@attempt", lease.Attempt));
            return true;
        }, ct));
    }

    public Task<bool> ReleaseTrialAsync(TrialLease lease, CancellationToken ct = default)
    {
        StoreValidation.ValidateLease(lease);
        return AsTask(() => Write((connection, transaction, now) =>
        {
            if (!IsCurrent(connection, transaction, lease)) return false;
            EndAttempt(connection, transaction, lease, now, AttemptOutcome.Released, error: null, ownerKnows: true);
            Execute(connection, transaction,
                "UPDATE trials SET state = 'queued', owner = NULL, lease_expires_at = NULL WHERE id = @trial;",
                ("@trial", lease.TrialId));
            return true;
        }, ct));
    }

    public Task<LeaseRenewal> RenewLeasesAsync(string siloId, IReadOnlyCollection<long> running, TimeSpan lease, CancellationToken ct = default)
    {
        StoreValidation.RequireText(siloId, nameof(siloId));
        ArgumentNullException.ThrowIfNull(running);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var named = StoreCodec.IdsToJson([.. running]);
        return AsTask(() => Write((connection, transaction, now) =>
        {
            Execute(connection, transaction, """
                UPDATE trials SET lease_expires_at = @expires
                WHERE state = 'running' AND owner = @silo AND id IN (SELECT value FROM json_each(@running));
                """, ("@silo", siloId), ("@running", named), ("@expires", now + (long)lease.TotalMilliseconds));
            var stray = List(connection, transaction, """
                SELECT campaign_id, id, attempt FROM trials
                WHERE state = 'running' AND owner = @silo AND id NOT IN (SELECT value FROM json_each(@running)) ORDER BY id;
                """, reader => new StrayTrial(reader.GetInt64(0), new TrialLease(reader.GetInt64(1), reader.GetInt32(2), siloId)),
                ("@silo", siloId), ("@running", named));
            // Attempts of this silo that someone else ended (silo presumed dead, campaign cancelled): it must stop them.
            var lost = List(connection, transaction,
                "SELECT trial_id FROM trial_attempts WHERE silo_id = @silo AND owner_notified = 0 AND outcome IS NOT NULL ORDER BY trial_id;",
                reader => reader.GetInt64(0), ("@silo", siloId));
            Execute(connection, transaction,
                "UPDATE trial_attempts SET owner_notified = 1 WHERE silo_id = @silo AND owner_notified = 0 AND outcome IS NOT NULL;",
                ("@silo", siloId));
            return new LeaseRenewal(lost, stray);
        }, ct));
    }

    public Task<IReadOnlyList<TrialOwner>> ListTrialOwnersAsync(CancellationToken ct = default) =>
        AsTask<IReadOnlyList<TrialOwner>>(() => Read(connection => List(connection, null, """
            SELECT owner, COUNT(*), MIN(started_at) FROM trials WHERE state = 'running' GROUP BY owner ORDER BY owner;
            """,
            reader => new TrialOwner(reader.GetString(0), reader.GetInt32(1), StoreCodec.FromUnixMs(reader.GetInt64(2)))), ct));

    public Task<IReadOnlyList<long>> RecoverSiloTrialsAsync(IReadOnlyCollection<string> siloIds, string reason, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(siloIds);
        StoreValidation.RequireText(reason, nameof(reason));
        if (siloIds.Count == 0) return Task.FromResult<IReadOnlyList<long>>([]);
        var silos = StoreCodec.StringsToJson([.. siloIds]);
        return AsTask(() => Write((connection, transaction, now) =>
        {
            Execute(connection, transaction, "INSERT OR IGNORE INTO dead_silos (silo_id, declared_at) SELECT value, @now FROM json_each(@silos);",
                ("@silos", silos), ("@now", now));
            return Recover(connection, transaction, now, "t.owner IN (SELECT value FROM json_each(@silos))", _ => reason, ("@silos", silos));
        }, ct));
    }

    public Task<IReadOnlyList<long>> RecoverExpiredLeasesAsync(DateTimeOffset now, CancellationToken ct = default) =>
        AsTask(() => Write((connection, transaction, writtenAt) => Recover(connection, transaction, writtenAt,
            "t.lease_expires_at < @now", StoreRules.LeaseExpired,
            ("@now", StoreCodec.ToUnixMs(now))), ct));

    /// <summary>
    /// Ends the running attempts that <paramref name="which"/> selects as expired and requeues (or fails) their trials;
    /// the owners did not end them, so their next lease renewal tells them, should they come back.
    /// </summary>
    /// <returns>The campaigns whose trials moved.</returns>
    private static IReadOnlyList<long> Recover(SqliteConnection connection, SqliteTransaction transaction, long now, string which,
        Func<string, string> reason, params (string Name, object? Value)[] parameters)
    {
        var expired = List(connection, transaction, $"""
            SELECT t.id, t.campaign_id, t.failed_attempts, c.max_attempts, t.attempt, t.owner
            FROM trials t JOIN campaigns c ON c.id = t.campaign_id
            WHERE t.state = 'running' AND {which};
            """,
            reader => (Attempt: new SpentAttempt(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2) + 1, reader.GetInt32(3)),
                Lease: new TrialLease(reader.GetInt64(0), reader.GetInt32(4), reader.GetString(5))),
            parameters);
        foreach (var (attempt, lease) in expired)
        {
            var error = reason(lease.SiloId);
            EndAttempt(connection, transaction, lease, now, AttemptOutcome.Expired, error, ownerKnows: false);
            RequeueOrFail(connection, transaction, attempt, now, error, retryable: true);
        }
        return [.. expired.Select(e => e.Attempt.CampaignId).Distinct().Order()];
    }

    public Task<IReadOnlyList<TrialAttemptRecord>> GetAttemptsAsync(long trialId, CancellationToken ct = default) =>
        AsTask<IReadOnlyList<TrialAttemptRecord>>(() => Read(connection => List(connection, null,
            $"SELECT {AttemptColumns} FROM trial_attempts WHERE trial_id = @trial ORDER BY attempt;",
            ReadAttempt, ("@trial", trialId)), ct));

    public Task<IReadOnlyList<EpochMetrics>> GetEpochMetricsAsync(long trialId, CancellationToken ct = default) =>
        AsTask<IReadOnlyList<EpochMetrics>>(() => Read(connection => List(connection, null, """
            SELECT e.trial_id, e.attempt, e.epoch, e.metrics_json, e.recorded_at
            FROM epoch_metrics e JOIN trials t ON t.id = e.trial_id AND t.attempt = e.attempt
            WHERE e.trial_id = @trial ORDER BY e.epoch;
            """,
            ReadEpoch, ("@trial", trialId)), ct));

    public Task<IReadOnlyDictionary<string, double>?> GetFinalMetricsAsync(long trialId, CancellationToken ct = default) =>
        AsTask(() => Read(connection =>
            Scalar<string>(connection, null, "SELECT metrics_json FROM final_metrics WHERE trial_id = @trial;", ("@trial", trialId))
                is { } json ? StoreCodec.MetricsFromJson(json) : null, ct));

    public Task<IReadOnlyList<EpochMetrics>> GetCurvesAsync(long campaignId, CancellationToken ct = default) =>
        AsTask<IReadOnlyList<EpochMetrics>>(() => Read(connection => List(connection, null, """
            SELECT e.trial_id, e.attempt, e.epoch, e.metrics_json, e.recorded_at
            FROM epoch_metrics e JOIN trials t ON t.id = e.trial_id AND t.attempt = e.attempt
            WHERE t.campaign_id = @campaign ORDER BY e.trial_id, e.epoch;
            """, ReadEpoch, ("@campaign", campaignId)), ct));

    public Task<IReadOnlyDictionary<long, IReadOnlyDictionary<string, double>>> GetFinalMetricsOfCampaignAsync(long campaignId,
        CancellationToken ct = default) =>
        AsTask<IReadOnlyDictionary<long, IReadOnlyDictionary<string, double>>>(() => Read(connection => List(connection, null, """
            SELECT f.trial_id, f.metrics_json FROM final_metrics f JOIN trials t ON t.id = f.trial_id
            WHERE t.campaign_id = @campaign AND t.state = 'completed';
            """, reader => (reader.GetInt64(0), StoreCodec.MetricsFromJson(reader.GetString(1))), ("@campaign", campaignId))
            .ToDictionary(row => row.Item1, row => row.Item2), ct));

    public Task<IReadOnlyList<TrialPredictions>> GetPredictionsAsync(long campaignId, CancellationToken ct = default) =>
        AsTask<IReadOnlyList<TrialPredictions>>(() => Read(connection => List(connection, null, """
            SELECT t.id, t.idx, p.values_f32le, p.width FROM predictions p JOIN trials t ON t.id = p.trial_id
            WHERE t.campaign_id = @campaign AND t.state = 'completed' ORDER BY t.idx;
            """,
            reader => new TrialPredictions(reader.GetInt64(0), reader.GetInt32(1),
                StoreCodec.FloatsFromBlob((byte[])reader["values_f32le"]), reader.GetInt32(3)),
            ("@campaign", campaignId)), ct));

    public Task<StoredModel?> GetModelAsync(long trialId, CancellationToken ct = default) =>
        AsTask(() => Read(connection => List(connection, null,
            "SELECT trial_id, weights, model_json FROM models WHERE trial_id = @trial;",
            reader => new StoredModel(reader.GetInt64(0), (byte[])reader["weights"], reader.GetString(2)),
            ("@trial", trialId)).SingleOrDefault(), ct));

    /// <summary>An attempt that has just failed or expired, with the count of attempts spent including it.</summary>
    private sealed record SpentAttempt(long TrialId, long CampaignId, int AttemptsSpent, int MaxAttempts);

    private static bool IsCurrent(SqliteConnection connection, SqliteTransaction transaction, TrialLease lease) =>
        Scalar<long>(connection, transaction, LeaseIsCurrent,
            ("@trial", lease.TrialId), ("@attempt", lease.Attempt), ("@silo", lease.SiloId)) == 1;

    /// <summary>Whether this very attempt completed the trial: a completion repeated after a lost acknowledgement.</summary>
    private static bool CompletedBy(SqliteConnection connection, SqliteTransaction transaction, TrialLease lease) =>
        Scalar<long>(connection, transaction, """
            SELECT EXISTS (SELECT 1 FROM trial_attempts
                           WHERE trial_id = @trial AND attempt = @attempt AND silo_id = @silo AND outcome = 'completed');
            """,
            ("@trial", lease.TrialId), ("@attempt", lease.Attempt), ("@silo", lease.SiloId)) == 1;

    private static void EndAttempt(SqliteConnection connection, SqliteTransaction transaction, TrialLease lease, long now,
        AttemptOutcome outcome, string? error, bool ownerKnows) =>
        Execute(connection, transaction, """
            UPDATE trial_attempts SET ended_at = @now, outcome = @outcome, error = @error, owner_notified = @known
            WHERE trial_id = @trial AND attempt = @attempt;
            """,
            ("@trial", lease.TrialId), ("@attempt", lease.Attempt), ("@now", now),
            ("@outcome", StoreCodec.Name(outcome)), ("@error", error), ("@known", ownerKnows ? 1 : 0));

    /// <summary>Back to the queue while attempts remain (and the error is worth a retry), else failed for good.</summary>
    private static void RequeueOrFail(SqliteConnection connection, SqliteTransaction transaction, SpentAttempt attempt, long now,
        string error, bool retryable)
    {
        var parameters = new (string, object?)[]
        {
            ("@trial", attempt.TrialId), ("@spent", attempt.AttemptsSpent), ("@now", now), ("@error", error),
        };
        if (retryable && attempt.AttemptsSpent < attempt.MaxAttempts)
        {
            Execute(connection, transaction, """
                UPDATE trials SET state = 'queued', failed_attempts = @spent, owner = NULL, lease_expires_at = NULL, error = @error
                WHERE id = @trial;
                """, parameters);
            return;
        }
        Execute(connection, transaction, """
            UPDATE trials SET state = 'failed', failed_attempts = @spent, finished_at = @now, lease_expires_at = NULL, error = @error
            WHERE id = @trial;
            """, parameters);
        EndCampaignIfDone(connection, transaction, attempt.CampaignId, now);
    }
}
