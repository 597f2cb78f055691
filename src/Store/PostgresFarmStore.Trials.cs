using System.Text.Json;
using static EnsembleFarm.Store.StoreRows;

namespace EnsembleFarm.Store;

public sealed partial class PostgresFarmStore
{
    public Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(long campaignId, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<TrialRecord>>(async session => await session.ListAsync(
            $"SELECT {TrialColumns} FROM trials t WHERE t.campaign_id = @id ORDER BY t.idx;",
            reader => ReadTrial(reader, 0), ("id", campaignId)).ConfigureAwait(false), ct);

    public Task<TrialRecord?> GetTrialAsync(long trialId, CancellationToken ct = default) =>
        ReadAsync(async session => (await session.ListAsync(
            $"SELECT {TrialColumns} FROM trials t WHERE t.id = @id;",
            reader => ReadTrial(reader, 0), ("id", trialId)).ConfigureAwait(false)).SingleOrDefault(), ct);

    public Task<EndedTrial?> GetEndedTrialAsync(long campaignId, long trialId, CancellationToken ct = default) =>
        ReadAsync(async session => (await session.ListAsync(EndedTrialQuery, ReadEndedTrial, ("campaign", campaignId), ("trial", trialId))
            .ConfigureAwait(false)).SingleOrDefault(), ct);

    /// <remarks>
    /// The campaign's row lock makes claims of one campaign take turns, so the slot fitting sees every queued trial and
    /// takes the ones that fit; a claim's lost acknowledgement hands the caller, on the next try, the trials the lost try
    /// took (see the class remarks), those still running under its lease.
    /// </remarks>
    public Task<IReadOnlyList<TrialRecord>> AddTrialsAsync(long campaignId, IReadOnlyList<NewTrial> trials, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(trials);
        StoreValidation.ValidateTrials(trials);
        if (trials.Count == 0) return Task.FromResult<IReadOnlyList<TrialRecord>>([]);
        return WriteOnceAsync<IReadOnlyList<TrialRecord>>(async session =>
        {
            await LockCampaignAsync(session, campaignId).ConfigureAwait(false);
            var open = await session.ScalarAsync<bool>($"SELECT state IN {OpenCampaignStates} AND open_ended FROM campaigns WHERE id = @id;",
                ("id", campaignId)).ConfigureAwait(false);
            if (!open) return [];
            var taken = await session.ScalarAsync<int?>("SELECT idx FROM trials WHERE campaign_id = @id AND idx = ANY(@idx) ORDER BY idx LIMIT 1;",
                ("id", campaignId), ("idx", trials.Select(t => t.Index).ToArray())).ConfigureAwait(false);
            if (taken is { } index) throw StoreRules.IndexTaken(campaignId, index);
            await session.ExecuteAsync(InsertTrialsSql, [("id", campaignId), .. TrialColumnsOf(trials)]).ConfigureAwait(false);
            return await TrialsByIndexAsync(session, campaignId, trials).ConfigureAwait(false);
        },
        added => JsonSerializer.Serialize(added.Select(t => t.Index)),
        (session, _) => TrialsByIndexAsync(session, campaignId, trials), ct);
    }

    private static async Task<IReadOnlyList<TrialRecord>> TrialsByIndexAsync(PostgresSession session, long campaignId, IReadOnlyList<NewTrial> trials) =>
        await session.ListAsync($"SELECT {TrialColumns} FROM trials t WHERE t.campaign_id = @id AND t.idx = ANY(@idx) ORDER BY t.idx;",
            reader => ReadTrial(reader, 0), ("id", campaignId), ("idx", trials.Select(t => t.Index).ToArray())).ConfigureAwait(false);

    public Task<IReadOnlyList<ClaimedTrial>> ClaimTrialsAsync(long campaignId, string siloId, int freeSlots, TimeSpan lease,
        CancellationToken ct = default)
    {
        StoreValidation.RequireText(siloId, nameof(siloId));
        ArgumentOutOfRangeException.ThrowIfNegative(freeSlots);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        if (freeSlots == 0) return Task.FromResult<IReadOnlyList<ClaimedTrial>>([]);

        // The procedure records the claim under this id before it takes anything, and the select reads the trials it
        // recorded, so a try after a lost acknowledgement takes nothing and hands out what the lost try took.
        var operation = Guid.CreateVersion7();
        return WriteInOneTripAsync<IReadOnlyList<ClaimedTrial>>(async session => await session.ListAsync($"""
            CALL farm_claim_trials(@op, @campaign, @silo, @free, @now, @expires);
            SELECT {TrialColumns}, {CampaignColumns}
            FROM store_operations o CROSS JOIN LATERAL json_array_elements(o.result::json) AS l(lease)
            JOIN trials t ON t.id = (l.lease->>0)::bigint AND t.attempt = (l.lease->>1)::integer JOIN campaigns c ON c.id = t.campaign_id
            WHERE o.id = @op AND t.state = 'running' AND t.owner = @silo ORDER BY t.idx;
            """,
            reader => ReadClaimedTrial(reader, siloId),
            ("op", operation), ("campaign", campaignId), ("silo", siloId), ("free", freeSlots), ("now", session.Now),
            ("expires", session.Now + (long)lease.TotalMilliseconds)).ConfigureAwait(false), ct);
    }

    public Task<bool> ReportEpochsAsync(TrialLease lease, IReadOnlyList<(int Epoch, IReadOnlyDictionary<string, double> Metrics)> epochs,
        CancellationToken ct = default)
    {
        StoreValidation.ValidateLease(lease);
        ArgumentNullException.ThrowIfNull(epochs);
        // A repeated epoch keeps the values given last; one upsert statement may not touch a row twice, so the batch
        // is reduced to its last value per epoch here.
        var latest = new SortedDictionary<int, string>();
        for (var i = 0; i < epochs.Count; i++)
        {
            var (epoch, metrics) = epochs[i];
            ArgumentOutOfRangeException.ThrowIfNegative(epoch, $"{nameof(epochs)}[{i}].Epoch");
            ArgumentNullException.ThrowIfNull(metrics, $"{nameof(epochs)}[{i}].Metrics");
            latest[epoch] = StoreCodec.MetricsToJson(metrics);
        }
        // Repeating it overwrites the same rows; should the lease have been superseded in between, false tells the silo
        // to stop, which it must anyway.
        return WriteAsync(async session =>
        {
            // A shared lock on the trial: a recovery or a cancellation waits for the epochs it lets in.
            if (!await IsCurrentAsync(session, lease, "FOR SHARE").ConfigureAwait(false)) return false;
            if (latest.Count == 0) return true;
            await session.ExecuteAsync("""
                INSERT INTO epoch_metrics (trial_id, attempt, epoch, metrics_json, recorded_at)
                SELECT @trial, @attempt, e.epoch, e.json, @now FROM unnest(@epochs, @jsons) AS e(epoch, json)
                ON CONFLICT (trial_id, attempt, epoch) DO UPDATE SET metrics_json = excluded.metrics_json, recorded_at = excluded.recorded_at;
                """,
                ("trial", lease.TrialId), ("attempt", lease.Attempt), ("now", session.Now),
                ("epochs", latest.Keys.ToArray()), ("jsons", latest.Values.ToArray())).ConfigureAwait(false);
            return true;
        }, ct);
    }

    /// <remarks>
    /// Not recorded as an operation: the contract makes a completion repeated by its attempt acknowledged. One call of
    /// farm_complete_trial (migration 5), whose test set check leaves the message to <see cref="StoreValidation"/>.
    /// </remarks>
    public Task<bool> CompleteTrialAsync(TrialLease lease, TrialOutcome outcome, CancellationToken ct = default)
    {
        StoreValidation.ValidateLease(lease);
        StoreValidation.ValidateOutcome(outcome);
        var metricsJson = StoreCodec.MetricsToJson(outcome.FinalMetrics);
        var predictions = StoreCodec.ToBlob(outcome.TestPredictions);
        return WriteInOneTripAsync(async session =>
        {
            var (accepted, testRows) = (await session.ListAsync("""
                SELECT accepted, test_rows
                FROM farm_complete_trial(@trial, @attempt, @silo, @now, @metrics, @width, @values, @predictions, @weights, @model);
                """,
                reader => (reader.GetBoolean(0), reader.IsDBNull(1) ? (int?)null : reader.GetInt32(1)),
                ("trial", lease.TrialId), ("attempt", lease.Attempt), ("silo", lease.SiloId), ("now", session.Now),
                ("metrics", metricsJson), ("width", outcome.PredictionWidth), ("values", (long)outcome.TestPredictions.Length),
                ("predictions", predictions), ("weights", outcome.ModelWeights), ("model", outcome.ModelJson)).ConfigureAwait(false)).Single();
            if (testRows is { } rows) StoreValidation.ValidatePredictionCount(outcome, rows);
            return accepted;
        }, ct);
    }

    public Task<bool> FailTrialAsync(TrialLease lease, string error, bool retryable, CancellationToken ct = default)
    {
        StoreValidation.ValidateLease(lease);
        StoreValidation.RequireText(error, nameof(error));
        return WriteOnceAsync(async session =>
        {
            if (await LockTrialsCampaignAsync(session, lease.TrialId).ConfigureAwait(false) is null
                || !await IsCurrentAsync(session, lease, "FOR NO KEY UPDATE").ConfigureAwait(false))
                return false;
            await EndAttemptAsync(session, lease, AttemptOutcome.Failed, error, ownerKnows: true).ConfigureAwait(false);
            var attempt = (await session.ListAsync("""
                SELECT t.campaign_id, t.failed_attempts, c.max_attempts FROM trials t JOIN campaigns c ON c.id = t.campaign_id
                WHERE t.id = @trial;
                """, reader => new SpentAttempt(lease.TrialId, reader.GetInt64(0), reader.GetInt32(1) + 1, reader.GetInt32(2)),
                ("trial", lease.TrialId)).ConfigureAwait(false)).Single();
            await RequeueOrFailAsync(session, attempt, error, retryable).ConfigureAwait(false);
            return true;
        }, ct);
    }

    public Task<bool> PruneTrialAsync(TrialLease lease, int step, string reason, CancellationToken ct = default)
    {
        StoreValidation.ValidateLease(lease);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        StoreValidation.RequireText(reason, nameof(reason));
        return WriteOnceAsync(async session =>
        {
            if (await LockTrialsCampaignAsync(session, lease.TrialId).ConfigureAwait(false) is not { } campaignId
                || !await IsCurrentAsync(session, lease, "FOR NO KEY UPDATE").ConfigureAwait(false))
                return false;
            await EndAttemptAsync(session, lease, AttemptOutcome.Pruned, reason, ownerKnows: true).ConfigureAwait(false);
            await session.ExecuteAsync("""
                UPDATE trials SET state = 'pruned', finished_at = @now, lease_expires_at = NULL, error = @reason, pruned_step = @step WHERE id = @trial;
                """, ("trial", lease.TrialId), ("now", session.Now), ("reason", reason), ("step", step)).ConfigureAwait(false);
            await EndCampaignIfDoneAsync(session, campaignId).ConfigureAwait(false);
            return true;
        }, ct);
    }

    public Task<bool> RecordAttemptGpusAsync(TrialLease lease, IReadOnlyList<int> devices, CancellationToken ct = default)
    {
        StoreValidation.ValidateLease(lease);
        var text = StoreValidation.GpuDevices(devices);
        // Repeating it writes the same value: safe to retry.
        return WriteAsync(async session =>
        {
            if (!await IsCurrentAsync(session, lease, "FOR SHARE").ConfigureAwait(false)) return false;
            await session.ExecuteAsync("UPDATE trial_attempts SET gpu_devices = @devices WHERE trial_id = @trial AND attempt = @attempt;",
                ("devices", text), ("trial", lease.TrialId), ("attempt", lease.Attempt)).ConfigureAwait(false);
            return true;
        }, ct);
    }

    public Task<bool> ReleaseTrialAsync(TrialLease lease, CancellationToken ct = default)
    {
        StoreValidation.ValidateLease(lease);
        return WriteOnceAsync(async session =>
        {
            if (await LockTrialsCampaignAsync(session, lease.TrialId).ConfigureAwait(false) is null
                || !await IsCurrentAsync(session, lease, "FOR NO KEY UPDATE").ConfigureAwait(false))
                return false;
            await EndAttemptAsync(session, lease, AttemptOutcome.Released, error: null, ownerKnows: true).ConfigureAwait(false);
            await session.ExecuteAsync("UPDATE trials SET state = 'queued', owner = NULL, lease_expires_at = NULL WHERE id = @trial;",
                ("trial", lease.TrialId)).ConfigureAwait(false);
            return true;
        }, ct);
    }

    public Task<LeaseRenewal> RenewLeasesAsync(string siloId, IReadOnlyCollection<long> running, TimeSpan lease, CancellationToken ct = default)
    {
        StoreValidation.RequireText(siloId, nameof(siloId));
        ArgumentNullException.ThrowIfNull(running);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var named = running.ToArray();
        return WriteOnceAsync(async session =>
        {
            // Attempts of this silo that someone else ended (silo presumed dead, campaign cancelled): it must stop them.
            var lost = await session.ListAsync("""
                UPDATE trials SET lease_expires_at = @expires
                WHERE id IN (SELECT id FROM trials WHERE state = 'running' AND owner = @silo AND id = ANY(@running) ORDER BY id FOR NO KEY UPDATE);
                UPDATE trial_attempts SET owner_notified = true
                WHERE silo_id = @silo AND NOT owner_notified AND outcome IS NOT NULL
                RETURNING trial_id;
                """, reader => reader.GetInt64(0),
                ("silo", siloId), ("running", named), ("expires", session.Now + (long)lease.TotalMilliseconds)).ConfigureAwait(false);
            var stray = await session.ListAsync("""
                SELECT campaign_id, id, attempt FROM trials WHERE state = 'running' AND owner = @silo AND NOT (id = ANY(@running)) ORDER BY id;
                """, reader => new StrayTrial(reader.GetInt64(0), new TrialLease(reader.GetInt64(1), reader.GetInt32(2), siloId)),
                ("silo", siloId), ("running", named)).ConfigureAwait(false);
            // Every silo renews often, so the log of operation outcomes is trimmed here; SKIP LOCKED: silos trimming at
            // the same moment split the rows instead of waiting for each other.
            await session.ExecuteAsync("""
                DELETE FROM store_operations WHERE id IN (
                    SELECT id FROM store_operations WHERE recorded_at < @cutoff ORDER BY recorded_at LIMIT 1000 FOR UPDATE SKIP LOCKED);
                """, ("cutoff", session.Now - (long)OperationRetention.TotalMilliseconds)).ConfigureAwait(false);
            lost.Sort();
            return new LeaseRenewal(lost, stray);
        }, ct);
    }

    public Task<IReadOnlyList<TrialOwner>> ListTrialOwnersAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<TrialOwner>>(async session => await session.ListAsync("""
            SELECT owner, COUNT(*)::integer, MIN(started_at) FROM trials WHERE state = 'running' GROUP BY owner ORDER BY owner;
            """,
            reader => new TrialOwner(reader.GetString(0), reader.GetInt32(1), StoreCodec.FromUnixMs(reader.GetInt64(2))))
            .ConfigureAwait(false), ct);

    public Task<IReadOnlyList<long>> RecoverSiloTrialsAsync(IReadOnlyCollection<string> siloIds, string reason, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(siloIds);
        StoreValidation.RequireText(reason, nameof(reason));
        if (siloIds.Count == 0) return Task.FromResult<IReadOnlyList<long>>([]);
        var silos = siloIds.ToArray();
        return WriteOnceAsync(async session =>
        {
            // Each silo's lock, exclusively and in one order, waits for its claims in flight and holds back its next
            // ones until the silo is on record as dead: none can take a trial that this recovery does not see.
            await session.ExecuteAsync("""
                SELECT pg_advisory_xact_lock(@class, h) FROM (SELECT DISTINCT hashtext(s) AS h FROM unnest(@silos) s ORDER BY h) l;
                INSERT INTO dead_silos (silo_id, declared_at) SELECT s, @now FROM unnest(@silos) s ON CONFLICT DO NOTHING;
                """, ("class", PostgresSchema.SiloLockClass), ("silos", silos), ("now", session.Now)).ConfigureAwait(false);
            return await RecoverAsync(session, "t.owner = ANY(@which)", silos, _ => reason).ConfigureAwait(false);
        }, ct);
    }

    public Task<IReadOnlyList<long>> RecoverExpiredLeasesAsync(DateTimeOffset now, CancellationToken ct = default) =>
        WriteOnceAsync(session => RecoverAsync(session, "t.lease_expires_at < @which", StoreCodec.ToUnixMs(now), StoreRules.LeaseExpired), ct);

    /// <summary>
    /// Ends the running attempts that <paramref name="which"/> selects as expired and requeues (or fails) their trials;
    /// the owners did not end them, so their next lease renewal tells them, should they come back.
    /// </summary>
    /// <param name="which">A condition on the trial <c>t</c> that uses <c>@which</c>, whose value is <paramref name="argument"/>.</param>
    /// <returns>The campaigns whose trials moved.</returns>
    private static async Task<IReadOnlyList<long>> RecoverAsync(PostgresSession session, string which, object argument,
        Func<string, string> reason)
    {
        // Campaigns first, in id order, then their trials, in id order (see the class remarks); the trials are chosen
        // again under the locks, so one whose silo renewed its lease meanwhile is left alone.
        var campaigns = await session.ListAsync($"""
            SELECT id FROM campaigns WHERE id IN (SELECT t.campaign_id FROM trials t WHERE t.state = 'running' AND {which})
            ORDER BY id FOR NO KEY UPDATE;
            """, reader => reader.GetInt64(0), ("which", argument)).ConfigureAwait(false);
        if (campaigns.Count == 0) return [];
        var expired = await session.ListAsync($"""
            SELECT t.id, t.campaign_id, t.failed_attempts, c.max_attempts, t.attempt, t.owner
            FROM trials t JOIN campaigns c ON c.id = t.campaign_id
            WHERE t.state = 'running' AND {which} AND t.campaign_id = ANY(@campaigns)
            ORDER BY t.id FOR NO KEY UPDATE OF t;
            """,
            reader => (Attempt: new SpentAttempt(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2) + 1, reader.GetInt32(3)),
                Lease: new TrialLease(reader.GetInt64(0), reader.GetInt32(4), reader.GetString(5))),
            ("which", argument), ("campaigns", campaigns.ToArray())).ConfigureAwait(false);
        foreach (var (attempt, lease) in expired)
        {
            var error = reason(lease.SiloId);
            await EndAttemptAsync(session, lease, AttemptOutcome.Expired, error, ownerKnows: false).ConfigureAwait(false);
            await RequeueOrFailAsync(session, attempt, error, retryable: true).ConfigureAwait(false);
        }
        return [.. expired.Select(e => e.Attempt.CampaignId).Distinct().Order()];
    }

    public Task<IReadOnlyList<TrialAttemptRecord>> GetAttemptsAsync(long trialId, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<TrialAttemptRecord>>(async session => await session.ListAsync(
            $"SELECT {AttemptColumns} FROM trial_attempts WHERE trial_id = @trial ORDER BY attempt;",
            ReadAttempt, ("trial", trialId)).ConfigureAwait(false), ct);

    public Task<IReadOnlyList<EpochMetrics>> GetEpochMetricsAsync(long trialId, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<EpochMetrics>>(async session => await session.ListAsync("""
            SELECT e.trial_id, e.attempt, e.epoch, e.metrics_json, e.recorded_at
            FROM epoch_metrics e JOIN trials t ON t.id = e.trial_id AND t.attempt = e.attempt
            WHERE e.trial_id = @trial ORDER BY e.epoch;
            """,
            ReadEpoch, ("trial", trialId)).ConfigureAwait(false), ct);

    public Task<IReadOnlyDictionary<string, double>?> GetFinalMetricsAsync(long trialId, CancellationToken ct = default) =>
        ReadAsync(async session =>
            await session.ScalarAsync<string>("SELECT metrics_json FROM final_metrics WHERE trial_id = @trial;", ("trial", trialId))
                .ConfigureAwait(false) is { } json ? StoreCodec.MetricsFromJson(json) : null, ct);

    public Task<IReadOnlyList<EpochMetrics>> GetCurvesAsync(long campaignId, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<EpochMetrics>>(async session => await session.ListAsync("""
            SELECT e.trial_id, e.attempt, e.epoch, e.metrics_json, e.recorded_at
            FROM epoch_metrics e JOIN trials t ON t.id = e.trial_id AND t.attempt = e.attempt
            WHERE t.campaign_id = @campaign ORDER BY e.trial_id, e.epoch;
            """, ReadEpoch, ("campaign", campaignId)).ConfigureAwait(false), ct);

    public Task<IReadOnlyDictionary<long, IReadOnlyDictionary<string, double>>> GetFinalMetricsOfCampaignAsync(long campaignId,
        CancellationToken ct = default) =>
        ReadAsync<IReadOnlyDictionary<long, IReadOnlyDictionary<string, double>>>(async session => (await session.ListAsync("""
            SELECT f.trial_id, f.metrics_json FROM final_metrics f JOIN trials t ON t.id = f.trial_id
            WHERE t.campaign_id = @campaign AND t.state = 'completed';
            """, reader => (reader.GetInt64(0), StoreCodec.MetricsFromJson(reader.GetString(1))), ("campaign", campaignId)).ConfigureAwait(false))
            .ToDictionary(row => row.Item1, row => row.Item2), ct);

    public Task<IReadOnlyList<TrialPredictions>> GetPredictionsAsync(long campaignId, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<TrialPredictions>>(async session => await session.ListAsync("""
            SELECT t.id, t.idx, p.values_f32le, p.width FROM predictions p JOIN trials t ON t.id = p.trial_id
            WHERE t.campaign_id = @campaign AND t.state = 'completed' ORDER BY t.idx;
            """,
            reader => new TrialPredictions(reader.GetInt64(0), reader.GetInt32(1),
                StoreCodec.FloatsFromBlob(reader.GetFieldValue<byte[]>(2)), reader.GetInt32(3)),
            ("campaign", campaignId)).ConfigureAwait(false), ct);

    public Task<StoredModel?> GetModelAsync(long trialId, CancellationToken ct = default) =>
        ReadAsync(async session => (await session.ListAsync(
            "SELECT trial_id, weights, model_json FROM models WHERE trial_id = @trial;",
            reader => new StoredModel(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetString(2)),
            ("trial", trialId)).ConfigureAwait(false)).SingleOrDefault(), ct);

    /// <summary>An attempt that has just failed or expired, with the count of attempts spent including it.</summary>
    private sealed record SpentAttempt(long TrialId, long CampaignId, int AttemptsSpent, int MaxAttempts);

    /// <summary>Locks the campaign of the trial (see the class remarks) and returns its id; null for an unknown trial.</summary>
    private static Task<long?> LockTrialsCampaignAsync(PostgresSession session, long trialId) =>
        session.ScalarAsync<long?>(
            "SELECT id FROM campaigns WHERE id = (SELECT campaign_id FROM trials WHERE id = @trial) FOR NO KEY UPDATE;",
            ("trial", trialId));

    /// <summary>The fencing condition: the lease names the trial's current running attempt and its owner; locks the trial when it does.</summary>
    /// <param name="lockMode"><c>FOR SHARE</c> to write beside the trial, <c>FOR NO KEY UPDATE</c> to change it.</param>
    private static async Task<bool> IsCurrentAsync(PostgresSession session, TrialLease lease, string lockMode) =>
        await session.ScalarAsync<bool>(
            $"SELECT true FROM trials WHERE id = @trial AND state = 'running' AND attempt = @attempt AND owner = @silo {lockMode};",
            ("trial", lease.TrialId), ("attempt", lease.Attempt), ("silo", lease.SiloId)).ConfigureAwait(false);

    private static Task EndAttemptAsync(PostgresSession session, TrialLease lease, AttemptOutcome outcome, string? error, bool ownerKnows) =>
        session.ExecuteAsync("""
            UPDATE trial_attempts SET ended_at = @now, outcome = @outcome, error = @error, owner_notified = @known
            WHERE trial_id = @trial AND attempt = @attempt;
            """,
            ("trial", lease.TrialId), ("attempt", lease.Attempt), ("now", session.Now),
            ("outcome", StoreCodec.Name(outcome)), ("error", error), ("known", ownerKnows));

    /// <summary>Back to the queue while attempts remain (and the error is worth a retry), else failed for good.</summary>
    private static async Task RequeueOrFailAsync(PostgresSession session, SpentAttempt attempt, string error, bool retryable)
    {
        var parameters = new (string, object?)[]
        {
            ("trial", attempt.TrialId), ("spent", attempt.AttemptsSpent), ("now", session.Now), ("error", error),
        };
        if (retryable && attempt.AttemptsSpent < attempt.MaxAttempts)
        {
            await session.ExecuteAsync("""
                UPDATE trials SET state = 'queued', failed_attempts = @spent, owner = NULL, lease_expires_at = NULL, error = @error
                WHERE id = @trial;
                """, parameters).ConfigureAwait(false);
            return;
        }
        await session.ExecuteAsync("""
            UPDATE trials SET state = 'failed', failed_attempts = @spent, finished_at = @now, lease_expires_at = NULL, error = @error
            WHERE id = @trial;
            """, parameters).ConfigureAwait(false);
        await EndCampaignIfDoneAsync(session, attempt.CampaignId).ConfigureAwait(false);
    }
}
