using System.Data.Common;

namespace EnsembleFarm.Store;

/// <summary>
/// The column lists and row readers that every SQL store shares: both schemas name and order these columns alike,
/// so a campaign or a trial is read the same way from SQLite and from PostgreSQL.
/// </summary>
internal static class StoreRows
{
    /// <summary>The campaign states in which it still waits for trials, as an SQL list.</summary>
    public const string OpenCampaignStates = "('queued','running')";

    /// <summary>A campaign's columns, from a table aliased <c>c</c>, in the order <see cref="ReadCampaign"/> reads them.</summary>
    public const string CampaignColumns =
        "c.id, c.name, c.kind, c.task, c.spec_yaml, c.dataset_path, c.dataset_sha256, c.state, c.max_attempts, " +
        "c.created_at, c.started_at, c.finished_at, c.error";

    /// <summary>A trial's columns, from a table aliased <c>t</c>, in the order <see cref="ReadTrial"/> reads them.</summary>
    public const string TrialColumns =
        "t.id, t.campaign_id, t.idx, t.state, t.attempt, t.params_json, t.split_seed, t.init_seed, t.slots, " +
        "t.owner, t.lease_expires_at, t.started_at, t.finished_at, t.error, t.pruned_step, t.attributes_json, t.gpus";

    public const int TrialColumnCount = 17;

    /// <summary>
    /// <see cref="ReadEndedTrial"/>'s query, with parameters <c>@campaign</c> and <c>@trial</c>: the campaign's columns,
    /// the trial's (nulls when it is not the campaign's), and its final metrics when it completed.
    /// </summary>
    public const string EndedTrialQuery = $"""
        SELECT {CampaignColumns}, {TrialColumns}, f.metrics_json
        FROM campaigns c LEFT JOIN trials t ON t.id = @trial AND t.campaign_id = c.id
        LEFT JOIN final_metrics f ON f.trial_id = t.id AND t.state = 'completed'
        WHERE c.id = @campaign;
        """;

    private const int CampaignColumnCount = 13;

    /// <summary>An attempt's columns, in the order <see cref="ReadAttempt"/> reads them.</summary>
    public const string AttemptColumns = "trial_id, attempt, silo_id, started_at, ended_at, outcome, error, gpu_devices";

    public static CampaignRecord ReadCampaign(DbDataReader reader, int first) => new(
        Id: reader.GetInt64(first),
        Name: reader.GetString(first + 1),
        Kind: reader.GetString(first + 2),
        Task: reader.GetString(first + 3),
        SpecYaml: reader.GetString(first + 4),
        DatasetPath: reader.GetString(first + 5),
        DatasetSha256: reader.GetString(first + 6),
        State: StoreCodec.Parse<CampaignState>(reader.GetString(first + 7)),
        MaxAttempts: reader.GetInt32(first + 8),
        CreatedAt: StoreCodec.FromUnixMs(reader.GetInt64(first + 9)),
        StartedAt: NullableTime(reader, first + 10),
        FinishedAt: NullableTime(reader, first + 11),
        Error: NullableString(reader, first + 12));

    public static TrialRecord ReadTrial(DbDataReader reader, int first) => new(
        Id: reader.GetInt64(first),
        CampaignId: reader.GetInt64(first + 1),
        Index: reader.GetInt32(first + 2),
        State: StoreCodec.Parse<TrialState>(reader.GetString(first + 3)),
        Attempt: reader.GetInt32(first + 4),
        ParamsJson: reader.GetString(first + 5),
        SplitSeed: StoreCodec.SeedFromColumn(reader.GetInt64(first + 6)),
        InitSeed: StoreCodec.SeedFromColumn(reader.GetInt64(first + 7)),
        Slots: reader.GetInt32(first + 8),
        Owner: NullableString(reader, first + 9),
        LeaseExpiresAt: NullableTime(reader, first + 10),
        StartedAt: NullableTime(reader, first + 11),
        FinishedAt: NullableTime(reader, first + 12),
        Error: NullableString(reader, first + 13),
        PrunedStep: reader.IsDBNull(first + 14) ? null : reader.GetInt32(first + 14),
        AttributesJson: NullableString(reader, first + 15),
        Gpus: reader.GetInt32(first + 16));

    public static EndedTrial ReadEndedTrial(DbDataReader reader)
    {
        const int metrics = CampaignColumnCount + TrialColumnCount;
        return new EndedTrial(ReadCampaign(reader, 0),
            reader.IsDBNull(CampaignColumnCount) ? null : ReadTrial(reader, CampaignColumnCount),
            reader.IsDBNull(metrics) ? null : StoreCodec.MetricsFromJson(reader.GetString(metrics)));
    }

    /// <summary>A trial read with <see cref="TrialColumns"/> then <see cref="CampaignColumns"/>, as a claim hands it out.</summary>
    public static ClaimedTrial ReadClaimedTrial(DbDataReader reader, string siloId)
    {
        var trial = ReadTrial(reader, 0);
        return new ClaimedTrial(trial, ReadCampaign(reader, TrialColumnCount), new TrialLease(trial.Id, trial.Attempt, siloId));
    }

    /// <summary>An epoch's row read as trial_id, attempt, epoch, metrics_json, recorded_at.</summary>
    public static EpochMetrics ReadEpoch(DbDataReader reader) => new(reader.GetInt64(0), reader.GetInt32(1), reader.GetInt32(2),
        StoreCodec.MetricsFromJson(reader.GetString(3)), StoreCodec.FromUnixMs(reader.GetInt64(4)));

    public static TrialAttemptRecord ReadAttempt(DbDataReader reader) => new(
        reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2), StoreCodec.FromUnixMs(reader.GetInt64(3)),
        NullableTime(reader, 4),
        NullableString(reader, 5) is { } outcome ? StoreCodec.Parse<AttemptOutcome>(outcome) : null,
        NullableString(reader, 6),
        NullableString(reader, 7));

    public static string? NullableString(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? NullableTime(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : StoreCodec.FromUnixMs(reader.GetInt64(ordinal));
}
