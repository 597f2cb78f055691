using System.Text.Json;
using Npgsql;

namespace EnsembleFarm.Store;

/// <summary>
/// The cluster's store: a PostgreSQL database shared by every silo and client (and by Orleans' membership tables,
/// see <see cref="PostgresClusterSchema"/>).
/// </summary>
/// <remarks>
/// <para>
/// Locking. Every write that changes a trial's state first locks its campaign's row (<c>FOR NO KEY UPDATE</c>), so
/// the writes about one campaign run one after another, as every write does on a SQLite file: a claim reads the queued
/// trials and takes the ones that fit with nobody else taking them (no trial is handed out twice, from however many
/// processes), and the write that ends a campaign's last open trial sees every other. Campaigns do not wait for each
/// other. Several campaigns are locked in id order, trials in id order, campaigns before trials, so these writes do
/// not deadlock. Lease renewals lock only the silo's trials, and an epoch report only shares its trial's lock, so a
/// renewal or a report never waits behind another campaign's work.
/// </para>
/// <para>
/// Connection loss. Each try of an operation runs on a fresh pooled connection in one transaction; a transient failure
/// (see <see cref="PostgresRetry"/>) is retried by <see cref="PostgresRetryPolicy"/>, after which the store throws a
/// <see cref="FarmStoreException"/> naming the server. A try can fail after its commit reached the server, so every
/// operation is safe to repeat: reads and migrations are; an epoch report overwrites the same rows; a completion
/// repeated by the attempt that completed is acknowledged (the contract says so); and every other write records its
/// result under an id of its own in <c>store_operations</c>, in its own transaction. A later try that finds that id
/// already recorded (<c>ON CONFLICT DO NOTHING</c> inserted nothing: the earlier try committed after all) rolls its own
/// work back and returns the recorded result. So a campaign is created once, a claim hands the caller the trials its
/// lost try took (and takes no others), a renewal still tells the silo which trials it lost, and a recovery still
/// names the campaigns whose trials moved. Recorded results are forgotten after an hour.
/// </para>
/// <para>
/// Round trips. The writes every trial makes, its claim and its completion, are routines on the server (migration 5)
/// called by one command each, which PostgreSQL runs as one implicit transaction: one round trip, where a statement
/// each would cost one apiece. The claim's routine records its operation before it takes anything rather than after.
/// </para>
/// </remarks>
public sealed partial class PostgresFarmStore : IFarmStore
{
    /// <summary>How long recorded operation results are kept: far longer than any retry lasts (<see cref="PostgresRetryPolicy.Longest"/>).</summary>
    private static readonly TimeSpan OperationRetention = TimeSpan.FromHours(1);

    private static readonly TimeSpan IdleInTransactionLimit = TimeSpan.FromSeconds(15);

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _clock;
    private readonly PostgresRetryPolicy _retry;
    private bool _disposed;

    /// <param name="location">A <c>postgres://</c> or <c>postgresql://</c> URL, or an Npgsql connection string.</param>
    /// <param name="clock">Source of "now" for timestamps and lease expiry (never the server's clock); tests pass a manual clock.</param>
    /// <param name="retry">How long to ride out a lost connection; <see cref="PostgresRetryPolicy.Default"/> when null.</param>
    /// <exception cref="FarmStoreException">The location cannot be read.</exception>
    public PostgresFarmStore(string location, TimeProvider? clock = null, PostgresRetryPolicy? retry = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        _retry = retry ?? PostgresRetryPolicy.Default;
        var settings = PostgresLocation.Parse(location);
        Location = PostgresLocation.Describe(settings);
        // A client that vanished mid-transaction (a half-open connection) would hold its campaign's lock until the server
        // noticed; the server ends such a session instead. Ours never idle within a transaction, and a try ended so is
        // retried like any broken connection. Options the user gave come after, so theirs win.
        settings.Options = $"-c idle_in_transaction_session_timeout={IdleInTransactionLimit.TotalMilliseconds:F0} {settings.Options}".TrimEnd();
        // The store changes no session state (its locks are the transaction's), so a connection back from the pool
        // needs no DISCARD ALL, which would be one more statement for every operation.
        settings.NoResetOnClose = true;
        _clock = clock ?? TimeProvider.System;
        _dataSource = NpgsqlDataSource.Create(settings);
    }

    /// <summary><c>host:port/database</c>; never the password.</summary>
    public string Location { get; }

    /// <summary>Called after each write's commit, before its result is returned: a test throws here to lose the acknowledgement.</summary>
    internal Action? AfterCommit { get; set; }

    public Task MigrateAsync(CancellationToken ct = default) => RunAsync(async connection =>
    {
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        var session = new PostgresSession(connection, NowMs(), ct);
        await session.ExecuteAsync("SELECT pg_advisory_xact_lock(@key);", ("key", PostgresSchema.MigrationLock)).ConfigureAwait(false);
        await session.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_version (id integer PRIMARY KEY CHECK (id = 1), version integer NOT NULL);").ConfigureAwait(false);
        var version = await session.ScalarAsync<int?>("SELECT version FROM schema_version WHERE id = 1;").ConfigureAwait(false) ?? 0;
        if (version > PostgresSchema.CurrentVersion)
            throw new FarmStoreException(
                $"The store '{Location}' has schema version {version}, newer than this build of EnsembleFarm knows " +
                $"(up to {PostgresSchema.CurrentVersion}). Use a newer EnsembleFarm with this store.");
        foreach (var migration in PostgresSchema.Migrations.Where(m => m.Version > version))
        {
            await session.ExecuteAsync(migration.Sql).ConfigureAwait(false);
            await session.ExecuteAsync(
                "INSERT INTO schema_version (id, version) VALUES (1, @v) ON CONFLICT (id) DO UPDATE SET version = excluded.version;",
                ("v", migration.Version)).ConfigureAwait(false);
        }
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return true;
    }, ct);

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private long NowMs() => StoreCodec.ToUnixMs(_clock.GetUtcNow());

    private Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return PostgresRetry.RunAsync(_dataSource, _retry, Location, work, ct);
    }

    /// <summary>A read: statements on one connection, no transaction.</summary>
    private Task<T> ReadAsync<T>(Func<PostgresSession, Task<T>> query, CancellationToken ct) =>
        RunAsync(connection => query(new PostgresSession(connection, NowMs(), ct)), ct);

    /// <summary>A write whose repetition after a lost acknowledgement changes nothing and returns the same (see the remarks).</summary>
    private Task<T> WriteAsync<T>(Func<PostgresSession, Task<T>> body, CancellationToken ct) =>
        RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            var result = await body(new PostgresSession(connection, NowMs(), ct)).ConfigureAwait(false);
            await CommitAsync(transaction, ct).ConfigureAwait(false);
            return result;
        }, ct);

    /// <summary>
    /// A write that is one command: PostgreSQL runs its statements in one implicit transaction, so it costs one round
    /// trip with no BEGIN or COMMIT of its own. Its statements make it safe to repeat.
    /// </summary>
    private Task<T> WriteInOneTripAsync<T>(Func<PostgresSession, Task<T>> command, CancellationToken ct) =>
        RunAsync(async connection =>
        {
            var result = await command(new PostgresSession(connection, NowMs(), ct)).ConfigureAwait(false);
            AfterCommit?.Invoke();
            return result;
        }, ct);

    /// <summary>A write whose result is a JSON value, done once however often it is tried (see the remarks).</summary>
    private Task<T> WriteOnceAsync<T>(Func<PostgresSession, Task<T>> body, CancellationToken ct) =>
        WriteOnceAsync(body, result => JsonSerializer.Serialize(result),
            (_, recorded) => Task.FromResult(JsonSerializer.Deserialize<T>(recorded)!), ct);

    /// <param name="save">The result as recorded.</param>
    /// <param name="load">The result again from its record, after an earlier try committed.</param>
    private Task<T> WriteOnceAsync<T>(Func<PostgresSession, Task<T>> body, Func<T, string> save,
        Func<PostgresSession, string, Task<T>> load, CancellationToken ct)
    {
        var operation = Guid.CreateVersion7();
        return RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            var session = new PostgresSession(connection, NowMs(), ct);
            var result = await body(session).ConfigureAwait(false);
            // Waits for an earlier try of this operation still committing on a connection we lost, then finds its row.
            var recorded = await session.ExecuteAsync(
                "INSERT INTO store_operations (id, result, recorded_at) VALUES (@op, @result, @now) ON CONFLICT (id) DO NOTHING;",
                ("op", operation), ("result", save(result)), ("now", session.Now)).ConfigureAwait(false);
            if (recorded == 1)
            {
                await CommitAsync(transaction, ct).ConfigureAwait(false);
                return result;
            }
            await transaction.RollbackAsync(ct).ConfigureAwait(false);
            var earlier = await session.ScalarAsync<string>("SELECT result FROM store_operations WHERE id = @op;", ("op", operation))
                .ConfigureAwait(false);
            return await load(session, earlier!).ConfigureAwait(false);
        }, ct);
    }

    private async Task CommitAsync(NpgsqlTransaction transaction, CancellationToken ct)
    {
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        AfterCommit?.Invoke();
    }
}
