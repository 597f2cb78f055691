using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace EnsembleFarm.Store;

/// <summary>
/// The SQLite schema as an ordered list of migrations. A store file records the version it was brought to
/// in <c>schema_version</c>; opening it applies the missing migrations in one write transaction, so
/// several processes opening the same file at once migrate it exactly once. Migrations are only ever
/// appended: a released one is never edited.
/// </summary>
internal static class SqliteSchema
{
    /// <param name="Backfill">Fills what SQL alone cannot derive from older rows, in the migration's transaction.</param>
    internal sealed record Migration(int Version, string Description, string Sql,
        Action<SqliteConnection, SqliteTransaction>? Backfill = null);

    public static IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "campaigns, trials, attempts, metrics, predictions, models, silos", """
            CREATE TABLE campaigns (
                id              INTEGER PRIMARY KEY AUTOINCREMENT,
                name            TEXT    NOT NULL,
                kind            TEXT    NOT NULL,
                spec_yaml       TEXT    NOT NULL,
                dataset_path    TEXT    NOT NULL,
                dataset_sha256  TEXT    NOT NULL,
                state           TEXT    NOT NULL CHECK (state IN ('queued','running','completed','failed','cancelled')),
                max_attempts    INTEGER NOT NULL CHECK (max_attempts >= 1),
                created_at      INTEGER NOT NULL,
                started_at      INTEGER,
                finished_at     INTEGER,
                error           TEXT
            );

            CREATE TABLE campaign_test_sets (
                campaign_id     INTEGER PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
                row_count       INTEGER NOT NULL,
                row_indices     BLOB    NOT NULL,
                targets         BLOB    NOT NULL,
                target_width    INTEGER NOT NULL,
                ids_json        TEXT
            );

            CREATE TABLE trials (
                id               INTEGER PRIMARY KEY AUTOINCREMENT,
                campaign_id      INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
                idx              INTEGER NOT NULL,
                state            TEXT    NOT NULL CHECK (state IN ('queued','running','completed','pruned','failed','cancelled')),
                attempt          INTEGER NOT NULL DEFAULT 0,
                failed_attempts  INTEGER NOT NULL DEFAULT 0,
                params_json      TEXT    NOT NULL,
                split_seed       INTEGER NOT NULL,
                init_seed        INTEGER NOT NULL,
                slots            INTEGER NOT NULL CHECK (slots >= 1),
                owner            TEXT,
                lease_expires_at INTEGER,
                started_at       INTEGER,
                finished_at      INTEGER,
                error            TEXT,
                UNIQUE (campaign_id, idx)
            );
            CREATE INDEX ix_trials_queued  ON trials (campaign_id, idx) WHERE state = 'queued';
            CREATE INDEX ix_trials_leases  ON trials (lease_expires_at) WHERE state = 'running';
            CREATE INDEX ix_trials_owner   ON trials (owner) WHERE state = 'running';
            CREATE INDEX ix_campaigns_open ON campaigns (created_at, id) WHERE state IN ('queued','running');

            CREATE TABLE trial_attempts (
                trial_id        INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
                attempt         INTEGER NOT NULL,
                silo_id         TEXT    NOT NULL,
                started_at      INTEGER NOT NULL,
                ended_at        INTEGER,
                outcome         TEXT    CHECK (outcome IN ('completed','failed','released','expired','cancelled')),
                error           TEXT,
                owner_notified  INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (trial_id, attempt)
            );
            CREATE INDEX ix_attempts_unnotified ON trial_attempts (silo_id) WHERE owner_notified = 0;

            CREATE TABLE epoch_metrics (
                trial_id        INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
                attempt         INTEGER NOT NULL,
                epoch           INTEGER NOT NULL,
                metrics_json    TEXT    NOT NULL,
                recorded_at     INTEGER NOT NULL,
                PRIMARY KEY (trial_id, attempt, epoch)
            );

            CREATE TABLE final_metrics (
                trial_id        INTEGER PRIMARY KEY REFERENCES trials(id) ON DELETE CASCADE,
                metrics_json    TEXT    NOT NULL
            );

            CREATE TABLE predictions (
                trial_id        INTEGER PRIMARY KEY REFERENCES trials(id) ON DELETE CASCADE,
                width           INTEGER NOT NULL,
                values_f32le    BLOB    NOT NULL
            );

            CREATE TABLE models (
                trial_id        INTEGER PRIMARY KEY REFERENCES trials(id) ON DELETE CASCADE,
                weights         BLOB    NOT NULL,
                model_json      TEXT    NOT NULL
            );

            CREATE TABLE silos (
                id              TEXT    PRIMARY KEY,
                host            TEXT    NOT NULL,
                process_id      INTEGER NOT NULL,
                slots_json      TEXT    NOT NULL,
                state           TEXT    NOT NULL CHECK (state IN ('active','draining','stopped')),
                started_at      INTEGER NOT NULL,
                last_heartbeat  INTEGER NOT NULL
            );
            """),
        new(2, "campaigns keep their task and submission key; silos are the cluster's membership, not a table", """
            ALTER TABLE campaigns ADD COLUMN task TEXT NOT NULL DEFAULT '';
            ALTER TABLE campaigns ADD COLUMN submission_key TEXT NOT NULL DEFAULT '';
            CREATE INDEX ix_campaigns_submission ON campaigns (submission_key) WHERE state IN ('queued','running');
            DROP TABLE silos;
            """, BackfillTasks),
        new(3, "open-ended campaigns (searches) and pruned trials", """
            ALTER TABLE campaigns ADD COLUMN open_ended INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE trials ADD COLUMN pruned_step INTEGER;
            ALTER TABLE trials ADD COLUMN attributes_json TEXT;
            CREATE TABLE trial_attempts_v3 (
                trial_id        INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
                attempt         INTEGER NOT NULL,
                silo_id         TEXT    NOT NULL,
                started_at      INTEGER NOT NULL,
                ended_at        INTEGER,
                outcome         TEXT    CHECK (outcome IN ('completed','failed','released','expired','cancelled','pruned')),
                error           TEXT,
                owner_notified  INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (trial_id, attempt)
            );
            INSERT INTO trial_attempts_v3 SELECT trial_id, attempt, silo_id, started_at, ended_at, outcome, error, owner_notified FROM trial_attempts;
            DROP TABLE trial_attempts;
            ALTER TABLE trial_attempts_v3 RENAME TO trial_attempts;
            CREATE INDEX ix_attempts_unnotified ON trial_attempts (silo_id) WHERE owner_notified = 0;
            """),
        new(4, "trials ask for GPUs; attempts keep the GPUs they ran on", """
            ALTER TABLE trials ADD COLUMN gpus INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE trial_attempts ADD COLUMN gpu_devices TEXT;
            """),
        new(5, "silos declared dead, whose claims take nothing", """
            CREATE TABLE dead_silos (
                silo_id         TEXT    PRIMARY KEY,
                declared_at     INTEGER NOT NULL
            );
            """),
    ];

    /// <summary>
    /// Campaigns stored before version 2 name their task only in their spec, where <c>dataset.task</c> is required;
    /// the spec was validated when it was stored, so its one <c>task:</c> key is the dataset's.
    /// </summary>
    private static void BackfillTasks(SqliteConnection connection, SqliteTransaction transaction)
    {
        var specs = new List<(long Id, string Yaml)>();
        using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = "SELECT id, spec_yaml FROM campaigns WHERE task = '';";
            using var reader = select.ExecuteReader();
            while (reader.Read()) specs.Add((reader.GetInt64(0), reader.GetString(1)));
        }
        using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE campaigns SET task = @task WHERE id = @id;";
        var task = update.Parameters.Add("@task", SqliteType.Text);
        var id = update.Parameters.Add("@id", SqliteType.Integer);
        foreach (var spec in specs)
        {
            var match = Regex.Match(spec.Yaml, @"\btask\s*:\s*[""']?(binary|multiclass|regression)\b");
            task.Value = match.Success ? match.Groups[1].Value : "binary";
            id.Value = spec.Id;
            update.ExecuteNonQuery();
        }
    }

    public static int CurrentVersion => Migrations[^1].Version;
}
