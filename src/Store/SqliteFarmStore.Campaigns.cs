using Microsoft.Data.Sqlite;
using static EnsembleFarm.Store.StoreRows;

namespace EnsembleFarm.Store;

public sealed partial class SqliteFarmStore
{
    public Task<long> CreateCampaignAsync(NewCampaign campaign, IReadOnlyList<NewTrial> trials, CancellationToken ct = default)
    {
        StoreValidation.ValidateNewCampaign(campaign, trials);
        return AsTask(() => Write((connection, transaction, now) =>
        {
            var campaignId = Scalar<long>(connection, transaction, """
                INSERT INTO campaigns (name, kind, task, spec_yaml, dataset_path, dataset_sha256, state, max_attempts, created_at, submission_key, open_ended)
                VALUES (@name, @kind, @task, @spec, @path, @sha, 'queued', @max, @now, @key, @open) RETURNING id;
                """,
                ("@name", campaign.Name), ("@kind", campaign.Kind), ("@task", campaign.Task), ("@spec", campaign.SpecYaml),
                ("@key", campaign.SubmissionKey), ("@open", campaign.OpenEnded ? 1 : 0),
                ("@path", campaign.DatasetPath), ("@sha", campaign.DatasetSha256), ("@max", campaign.MaxAttempts), ("@now", now));

            var testSet = campaign.TestSet;
            Execute(connection, transaction, """
                INSERT INTO campaign_test_sets (campaign_id, row_count, row_indices, targets, target_width, ids_json)
                VALUES (@id, @rows, @indices, @targets, @width, @ids);
                """,
                ("@id", campaignId), ("@rows", testSet.RowIndices.Length), ("@indices", StoreCodec.ToBlob(testSet.RowIndices)),
                ("@targets", StoreCodec.ToBlob(testSet.Targets)), ("@width", testSet.TargetWidth),
                ("@ids", testSet.Ids is null ? null : StoreCodec.StringsToJson(testSet.Ids)));

            InsertTrials(connection, transaction, campaignId, trials);
            return campaignId;
        }, ct));
    }

    public Task<bool> SealCampaignAsync(long campaignId, CancellationToken ct = default) =>
        AsTask(() => Write((connection, transaction, now) =>
        {
            RequireCampaignState(connection, transaction, campaignId);
            Execute(connection, transaction, "UPDATE campaigns SET open_ended = 0 WHERE id = @id;", ("@id", campaignId));
            EndCampaignIfDone(connection, transaction, campaignId, now);
            return IsEnded(RequireCampaignState(connection, transaction, campaignId));
        }, ct));

    private static void InsertTrials(SqliteConnection connection, SqliteTransaction transaction, long campaignId, IReadOnlyList<NewTrial> trials)
    {
        using var insertTrial = Command(connection, transaction, """
            INSERT INTO trials (campaign_id, idx, state, params_json, split_seed, init_seed, slots, attributes_json, gpus)
            VALUES (@campaign, @idx, 'queued', @params, @split, @init, @slots, @attributes, @gpus);
            """,
            ("@campaign", campaignId), ("@idx", 0), ("@params", ""), ("@split", 0L), ("@init", 0L), ("@slots", 0), ("@attributes", null), ("@gpus", 0));
        foreach (var trial in trials)
        {
            insertTrial.Parameters["@idx"].Value = trial.Index;
            insertTrial.Parameters["@params"].Value = trial.ParamsJson;
            insertTrial.Parameters["@split"].Value = StoreCodec.SeedToColumn(trial.SplitSeed);
            insertTrial.Parameters["@init"].Value = StoreCodec.SeedToColumn(trial.InitSeed);
            insertTrial.Parameters["@slots"].Value = trial.Slots;
            insertTrial.Parameters["@gpus"].Value = trial.Gpus;
            insertTrial.Parameters["@attributes"].Value = (object?)trial.AttributesJson ?? DBNull.Value;
            insertTrial.ExecuteNonQuery();
        }
    }

    public Task<CampaignRecord?> GetCampaignAsync(long campaignId, CancellationToken ct = default) =>
        AsTask(() => Read(connection => FindCampaign(connection, null, campaignId), ct));

    public Task<IReadOnlyList<CampaignRecord>> ListCampaignsAsync(CancellationToken ct = default) =>
        AsTask<IReadOnlyList<CampaignRecord>>(() => Read(connection => List(connection, null,
            $"SELECT {CampaignColumns} FROM campaigns c ORDER BY c.created_at DESC, c.id DESC;",
            reader => ReadCampaign(reader, 0)), ct));

    public Task<IReadOnlyList<CampaignRecord>> ListOpenCampaignsAsync(CancellationToken ct = default) =>
        AsTask<IReadOnlyList<CampaignRecord>>(() => Read(connection => List(connection, null,
            $"SELECT {CampaignColumns} FROM campaigns c WHERE c.state IN {OpenCampaignStates} ORDER BY c.created_at, c.id;",
            reader => ReadCampaign(reader, 0)), ct));

    public Task<CampaignRecord?> FindOpenCampaignAsync(string submissionKey, CancellationToken ct = default)
    {
        StoreValidation.RequireText(submissionKey, nameof(submissionKey));
        return AsTask(() => Read(connection => List(connection, null, $"""
            SELECT {CampaignColumns} FROM campaigns c WHERE c.submission_key = @key AND c.state IN {OpenCampaignStates}
            ORDER BY c.created_at DESC, c.id DESC LIMIT 1;
            """, reader => ReadCampaign(reader, 0), ("@key", submissionKey)).SingleOrDefault(), ct));
    }

    public Task<CampaignTestSet> GetTestSetAsync(long campaignId, CancellationToken ct = default) =>
        AsTask(() => Read(connection =>
        {
            var sets = List(connection, null,
                "SELECT row_indices, targets, target_width, ids_json FROM campaign_test_sets WHERE campaign_id = @id;",
                reader => new CampaignTestSet(
                    StoreCodec.IntsFromBlob((byte[])reader["row_indices"]),
                    StoreCodec.FloatsFromBlob((byte[])reader["targets"]),
                    reader.GetInt32(2),
                    NullableString(reader, 3) is { } ids ? StoreCodec.StringsFromJson(ids) : null),
                ("@id", campaignId));
            return sets.Count == 1 ? sets[0] : throw StoreRules.CampaignNotFound(campaignId);
        }, ct));

    public Task<CampaignProgress> GetProgressAsync(long campaignId, CancellationToken ct = default) =>
        AsTask(() => Read(connection =>
        {
            RequireCampaignState(connection, null, campaignId);
            var counts = List(connection, null,
                "SELECT state, COUNT(*) FROM trials WHERE campaign_id = @id GROUP BY state;",
                reader => (State: StoreCodec.Parse<TrialState>(reader.GetString(0)), Count: reader.GetInt32(1)),
                ("@id", campaignId)).ToDictionary(row => row.State, row => row.Count);
            return new CampaignProgress(
                counts.GetValueOrDefault(TrialState.Queued), counts.GetValueOrDefault(TrialState.Running),
                counts.GetValueOrDefault(TrialState.Completed), counts.GetValueOrDefault(TrialState.Pruned),
                counts.GetValueOrDefault(TrialState.Failed), counts.GetValueOrDefault(TrialState.Cancelled));
        }, ct));

    public Task<bool> CancelCampaignAsync(long campaignId, CancellationToken ct = default) =>
        AsTask(() => Write((connection, transaction, now) =>
        {
            if (IsEnded(RequireCampaignState(connection, transaction, campaignId))) return false;
            EndOpenTrials(connection, transaction, campaignId, now, reason: null);
            Execute(connection, transaction,
                "UPDATE campaigns SET state = 'cancelled', finished_at = @now WHERE id = @id;",
                ("@id", campaignId), ("@now", now));
            return true;
        }, ct));

    public Task<bool> FailCampaignAsync(long campaignId, string reason, CancellationToken ct = default)
    {
        StoreValidation.RequireText(reason, nameof(reason));
        return AsTask(() => Write((connection, transaction, now) =>
        {
            if (IsEnded(RequireCampaignState(connection, transaction, campaignId))) return false;
            EndOpenTrials(connection, transaction, campaignId, now, StoreRules.CampaignFailed(reason));
            Execute(connection, transaction,
                "UPDATE campaigns SET state = 'failed', finished_at = @now, error = @reason WHERE id = @id;",
                ("@id", campaignId), ("@now", now), ("@reason", reason));
            return true;
        }, ct));
    }

    public Task<CampaignDeletion> DeleteCampaignAsync(long campaignId, CancellationToken ct = default) =>
        AsTask(() => Write((connection, transaction, _) =>
        {
            var state = Scalar<string>(connection, transaction, "SELECT state FROM campaigns WHERE id = @id;", ("@id", campaignId));
            if (state is null) return CampaignDeletion.NotFound;
            if (!IsEnded(StoreCodec.Parse<CampaignState>(state))) return CampaignDeletion.NotEnded;
            // Every table of a campaign's data references it (or its trials) with ON DELETE CASCADE.
            Execute(connection, transaction, "DELETE FROM campaigns WHERE id = @id;", ("@id", campaignId));
            return CampaignDeletion.Deleted;
        }, ct));

    private static CampaignRecord? FindCampaign(SqliteConnection connection, SqliteTransaction? transaction, long campaignId) =>
        List(connection, transaction, $"SELECT {CampaignColumns} FROM campaigns c WHERE c.id = @id;",
            reader => ReadCampaign(reader, 0), ("@id", campaignId)).SingleOrDefault();

    private static CampaignState RequireCampaignState(SqliteConnection connection, SqliteTransaction? transaction, long campaignId) =>
        Scalar<string>(connection, transaction, "SELECT state FROM campaigns WHERE id = @id;", ("@id", campaignId)) is { } state
            ? StoreCodec.Parse<CampaignState>(state)
            : throw StoreRules.CampaignNotFound(campaignId);

    private static bool IsEnded(CampaignState state) => state is not (CampaignState.Queued or CampaignState.Running);

    /// <summary>Cancels the campaign's queued and running trials; the running ones' silos learn it at their next heartbeat or fenced write.</summary>
    private static void EndOpenTrials(SqliteConnection connection, SqliteTransaction transaction, long campaignId, long now, string? reason)
    {
        Execute(connection, transaction, """
            UPDATE trial_attempts SET ended_at = @now, outcome = 'cancelled', error = @reason
            WHERE outcome IS NULL AND trial_id IN (SELECT id FROM trials WHERE campaign_id = @id AND state = 'running');
            """, ("@id", campaignId), ("@now", now), ("@reason", reason));
        Execute(connection, transaction, """
            UPDATE trials SET state = 'cancelled', finished_at = @now, lease_expires_at = NULL, error = @reason
            WHERE campaign_id = @id AND state IN ('queued','running');
            """, ("@id", campaignId), ("@now", now), ("@reason", reason));
    }

    /// <summary>
    /// Ends a campaign once none of its trials is queued or running: completed when at least one trial
    /// succeeded (completed, or pruned by a search), else failed with the first failure's reason.
    /// </summary>
    private static void EndCampaignIfDone(SqliteConnection connection, SqliteTransaction transaction, long campaignId, long now)
    {
        var (total, open, succeeded) = List(connection, transaction, """
            SELECT COUNT(*),
                   COALESCE(SUM(state IN ('queued','running')), 0),
                   COALESCE(SUM(state IN ('completed','pruned')), 0)
            FROM trials WHERE campaign_id = @id;
            """, reader => (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2)), ("@id", campaignId)).Single();
        // An open-ended campaign (a search) waits for its grain to seal it: more trials may come.
        if (open > 0 || Scalar<long>(connection, transaction, "SELECT open_ended FROM campaigns WHERE id = @id;", ("@id", campaignId)) == 1) return;

        if (succeeded > 0)
        {
            Execute(connection, transaction,
                $"UPDATE campaigns SET state = 'completed', finished_at = @now WHERE id = @id AND state IN {OpenCampaignStates};",
                ("@id", campaignId), ("@now", now));
            return;
        }
        var firstError = Scalar<string>(connection, transaction,
            "SELECT error FROM trials WHERE campaign_id = @id AND state = 'failed' ORDER BY idx LIMIT 1;", ("@id", campaignId));
        Execute(connection, transaction,
            $"UPDATE campaigns SET state = 'failed', finished_at = @now, error = @error WHERE id = @id AND state IN {OpenCampaignStates};",
            ("@id", campaignId), ("@now", now), ("@error", StoreRules.AllTrialsFailed(total, firstError)));
    }
}
