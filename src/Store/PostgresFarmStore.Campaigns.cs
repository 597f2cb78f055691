using static EnsembleFarm.Store.StoreRows;

namespace EnsembleFarm.Store;

public sealed partial class PostgresFarmStore
{
    public Task<long> CreateCampaignAsync(NewCampaign campaign, IReadOnlyList<NewTrial> trials, CancellationToken ct = default)
    {
        StoreValidation.ValidateNewCampaign(campaign, trials);
        var testSet = campaign.TestSet;
        return WriteOnceAsync(async session =>
        {
            var campaignId = await session.ScalarAsync<long>("""
                INSERT INTO campaigns (name, kind, task, submission_key, spec_yaml, dataset_path, dataset_sha256, state, max_attempts, created_at, open_ended)
                VALUES (@name, @kind, @task, @key, @spec, @path, @sha, 'queued', @max, @now, @open) RETURNING id;
                """,
                ("name", campaign.Name), ("kind", campaign.Kind), ("task", campaign.Task), ("key", campaign.SubmissionKey),
                ("spec", campaign.SpecYaml), ("path", campaign.DatasetPath), ("sha", campaign.DatasetSha256),
                ("max", campaign.MaxAttempts), ("now", session.Now), ("open", campaign.OpenEnded)).ConfigureAwait(false);

            // One statement for the test set and all trials, however many: one round trip to the server.
            await session.ExecuteAsync("""
                INSERT INTO campaign_test_sets (campaign_id, row_count, row_indices, targets, target_width, ids_json)
                VALUES (@id, @rows, @indices, @targets, @width, @ids);
                """ + InsertTrialsSql,
                [
                    ("id", campaignId), ("rows", testSet.RowIndices.Length), ("indices", StoreCodec.ToBlob(testSet.RowIndices)),
                    ("targets", StoreCodec.ToBlob(testSet.Targets)), ("width", testSet.TargetWidth),
                    ("ids", testSet.Ids is null ? null : StoreCodec.StringsToJson(testSet.Ids)), .. TrialColumnsOf(trials),
                ]).ConfigureAwait(false);
            return campaignId;
        }, ct);
    }

    /// <summary>Inserts the trials given as the arrays <see cref="TrialColumnsOf"/> names, for the campaign <c>@id</c>.</summary>
    private const string InsertTrialsSql = """
        INSERT INTO trials (campaign_id, idx, state, params_json, split_seed, init_seed, slots, attributes_json, gpus)
        SELECT @id, t.idx, 'queued', t.params, t.split, t.init, t.slots, t.attributes, t.gpus
        FROM unnest(@idx, @params, @split, @init, @slots, @attributes, @gpus) AS t(idx, params, split, init, slots, attributes, gpus);
        """;

    private static (string Name, object? Value)[] TrialColumnsOf(IReadOnlyList<NewTrial> trials) =>
    [
        ("idx", trials.Select(t => t.Index).ToArray()), ("params", trials.Select(t => t.ParamsJson).ToArray()),
        ("split", trials.Select(t => StoreCodec.SeedToColumn(t.SplitSeed)).ToArray()),
        ("init", trials.Select(t => StoreCodec.SeedToColumn(t.InitSeed)).ToArray()),
        ("slots", trials.Select(t => t.Slots).ToArray()),
        ("attributes", trials.Select(t => t.AttributesJson).ToArray()),
        ("gpus", trials.Select(t => t.Gpus).ToArray()),
    ];

    public Task<bool> SealCampaignAsync(long campaignId, CancellationToken ct = default) =>
        WriteOnceAsync(async session =>
        {
            await LockCampaignAsync(session, campaignId).ConfigureAwait(false);
            await session.ExecuteAsync("UPDATE campaigns SET open_ended = false WHERE id = @id;", ("id", campaignId)).ConfigureAwait(false);
            await EndCampaignIfDoneAsync(session, campaignId).ConfigureAwait(false);
            return IsEnded(await LockCampaignAsync(session, campaignId).ConfigureAwait(false));
        }, ct);

    public Task<CampaignRecord?> GetCampaignAsync(long campaignId, CancellationToken ct = default) =>
        ReadAsync(session => FindCampaignAsync(session, campaignId), ct);

    public Task<IReadOnlyList<CampaignRecord>> ListCampaignsAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<CampaignRecord>>(async session => await session.ListAsync(
            $"SELECT {CampaignColumns} FROM campaigns c ORDER BY c.created_at DESC, c.id DESC;",
            reader => ReadCampaign(reader, 0)).ConfigureAwait(false), ct);

    public Task<IReadOnlyList<CampaignRecord>> ListOpenCampaignsAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<CampaignRecord>>(async session => await session.ListAsync(
            $"SELECT {CampaignColumns} FROM campaigns c WHERE c.state IN {OpenCampaignStates} ORDER BY c.created_at, c.id;",
            reader => ReadCampaign(reader, 0)).ConfigureAwait(false), ct);

    public Task<CampaignRecord?> FindOpenCampaignAsync(string submissionKey, CancellationToken ct = default)
    {
        StoreValidation.RequireText(submissionKey, nameof(submissionKey));
        return ReadAsync(async session => (await session.ListAsync($"""
            SELECT {CampaignColumns} FROM campaigns c WHERE c.submission_key = @key AND c.state IN {OpenCampaignStates}
            ORDER BY c.created_at DESC, c.id DESC LIMIT 1;
            """, reader => ReadCampaign(reader, 0), ("key", submissionKey)).ConfigureAwait(false)).SingleOrDefault(), ct);
    }

    public Task<CampaignTestSet> GetTestSetAsync(long campaignId, CancellationToken ct = default) =>
        ReadAsync(async session =>
        {
            var sets = await session.ListAsync(
                "SELECT row_indices, targets, target_width, ids_json FROM campaign_test_sets WHERE campaign_id = @id;",
                reader => new CampaignTestSet(
                    StoreCodec.IntsFromBlob(reader.GetFieldValue<byte[]>(0)),
                    StoreCodec.FloatsFromBlob(reader.GetFieldValue<byte[]>(1)),
                    reader.GetInt32(2),
                    NullableString(reader, 3) is { } ids ? StoreCodec.StringsFromJson(ids) : null),
                ("id", campaignId)).ConfigureAwait(false);
            return sets.Count == 1 ? sets[0] : throw StoreRules.CampaignNotFound(campaignId);
        }, ct);

    public Task<CampaignProgress> GetProgressAsync(long campaignId, CancellationToken ct = default) =>
        ReadAsync(async session =>
        {
            var counts = await session.ListAsync("""
                SELECT t.state, COUNT(*)::integer FROM campaigns c LEFT JOIN trials t ON t.campaign_id = c.id
                WHERE c.id = @id GROUP BY t.state;
                """, reader => (State: NullableString(reader, 0), Count: reader.GetInt32(1)), ("id", campaignId)).ConfigureAwait(false);
            if (counts.Count == 0) throw StoreRules.CampaignNotFound(campaignId);
            var byState = counts.Where(row => row.State is not null)
                .ToDictionary(row => StoreCodec.Parse<TrialState>(row.State!), row => row.Count);
            return new CampaignProgress(
                byState.GetValueOrDefault(TrialState.Queued), byState.GetValueOrDefault(TrialState.Running),
                byState.GetValueOrDefault(TrialState.Completed), byState.GetValueOrDefault(TrialState.Pruned),
                byState.GetValueOrDefault(TrialState.Failed), byState.GetValueOrDefault(TrialState.Cancelled));
        }, ct);

    public Task<bool> CancelCampaignAsync(long campaignId, CancellationToken ct = default) =>
        WriteOnceAsync(async session =>
        {
            if (IsEnded(await LockCampaignAsync(session, campaignId).ConfigureAwait(false))) return false;
            await EndOpenTrialsAsync(session, campaignId, reason: null).ConfigureAwait(false);
            await session.ExecuteAsync("UPDATE campaigns SET state = 'cancelled', finished_at = @now WHERE id = @id;",
                ("id", campaignId), ("now", session.Now)).ConfigureAwait(false);
            return true;
        }, ct);

    public Task<bool> FailCampaignAsync(long campaignId, string reason, CancellationToken ct = default)
    {
        StoreValidation.RequireText(reason, nameof(reason));
        return WriteOnceAsync(async session =>
        {
            if (IsEnded(await LockCampaignAsync(session, campaignId).ConfigureAwait(false))) return false;
            await EndOpenTrialsAsync(session, campaignId, StoreRules.CampaignFailed(reason)).ConfigureAwait(false);
            await session.ExecuteAsync("UPDATE campaigns SET state = 'failed', finished_at = @now, error = @reason WHERE id = @id;",
                ("id", campaignId), ("now", session.Now), ("reason", reason)).ConfigureAwait(false);
            return true;
        }, ct);
    }

    public Task<CampaignDeletion> DeleteCampaignAsync(long campaignId, CancellationToken ct = default) =>
        WriteOnceAsync(async session =>
        {
            var state = await session.ScalarAsync<string>("SELECT state FROM campaigns WHERE id = @id FOR UPDATE;", ("id", campaignId))
                .ConfigureAwait(false);
            if (state is null) return CampaignDeletion.NotFound;
            if (!IsEnded(StoreCodec.Parse<CampaignState>(state))) return CampaignDeletion.NotEnded;
            // Every table of a campaign's data references it (or its trials) with ON DELETE CASCADE.
            await session.ExecuteAsync("DELETE FROM campaigns WHERE id = @id;", ("id", campaignId)).ConfigureAwait(false);
            return CampaignDeletion.Deleted;
        }, ct);

    private static async Task<CampaignRecord?> FindCampaignAsync(PostgresSession session, long campaignId) =>
        (await session.ListAsync($"SELECT {CampaignColumns} FROM campaigns c WHERE c.id = @id;",
            reader => ReadCampaign(reader, 0), ("id", campaignId)).ConfigureAwait(false)).SingleOrDefault();

    /// <summary>Takes the campaign's row lock (see the class remarks) and returns its state.</summary>
    /// <exception cref="KeyNotFoundException">No campaign has that id.</exception>
    private static async Task<CampaignState> LockCampaignAsync(PostgresSession session, long campaignId) =>
        await session.ScalarAsync<string>("SELECT state FROM campaigns WHERE id = @id FOR NO KEY UPDATE;", ("id", campaignId))
            .ConfigureAwait(false) is { } state
            ? StoreCodec.Parse<CampaignState>(state)
            : throw StoreRules.CampaignNotFound(campaignId);

    private static bool IsEnded(CampaignState state) => state is not (CampaignState.Queued or CampaignState.Running);

    /// <summary>
    /// Cancels the campaign's queued and running trials; the running ones' silos learn it at their next renewal or fenced
    /// write. The trials are locked in id order first, as a renewal locks them, so the two cannot deadlock.
    /// </summary>
    private static Task EndOpenTrialsAsync(PostgresSession session, long campaignId, string? reason) =>
        session.ExecuteAsync("""
            SELECT id FROM trials WHERE campaign_id = @id AND state IN ('queued','running') ORDER BY id FOR NO KEY UPDATE;
            UPDATE trial_attempts a SET ended_at = @now, outcome = 'cancelled', error = @reason
            FROM trials t
            WHERE a.trial_id = t.id AND a.attempt = t.attempt AND a.outcome IS NULL AND t.campaign_id = @id AND t.state = 'running';
            UPDATE trials SET state = 'cancelled', finished_at = @now, lease_expires_at = NULL, error = @reason
            WHERE campaign_id = @id AND state IN ('queued','running');
            """, ("id", campaignId), ("now", session.Now), ("reason", reason));

    /// <summary>
    /// Ends a campaign once none of its trials is queued or running: completed when at least one trial
    /// succeeded (completed, or pruned by a search), else failed with the first failure's reason.
    /// </summary>
    private static async Task EndCampaignIfDoneAsync(PostgresSession session, long campaignId)
    {
        var (total, open, succeeded) = (await session.ListAsync("""
            SELECT COUNT(*)::integer,
                   (COUNT(*) FILTER (WHERE state IN ('queued','running')))::integer,
                   (COUNT(*) FILTER (WHERE state IN ('completed','pruned')))::integer
            FROM trials WHERE campaign_id = @id;
            """, reader => (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2)), ("id", campaignId)).ConfigureAwait(false)).Single();
        // An open-ended campaign (a search) waits for its grain to seal it: more trials may come.
        if (open > 0 || await session.ScalarAsync<bool>("SELECT open_ended FROM campaigns WHERE id = @id;", ("id", campaignId)).ConfigureAwait(false))
            return;

        if (succeeded > 0)
        {
            await session.ExecuteAsync(
                $"UPDATE campaigns SET state = 'completed', finished_at = @now WHERE id = @id AND state IN {OpenCampaignStates};",
                ("id", campaignId), ("now", session.Now)).ConfigureAwait(false);
            return;
        }
        var firstError = await session.ScalarAsync<string>(
            "SELECT error FROM trials WHERE campaign_id = @id AND state = 'failed' ORDER BY idx LIMIT 1;", ("id", campaignId))
            .ConfigureAwait(false);
        await session.ExecuteAsync(
            $"UPDATE campaigns SET state = 'failed', finished_at = @now, error = @error WHERE id = @id AND state IN {OpenCampaignStates};",
            ("id", campaignId), ("now", session.Now), ("error", StoreRules.AllTrialsFailed(total, firstError))).ConfigureAwait(false);
    }
}
