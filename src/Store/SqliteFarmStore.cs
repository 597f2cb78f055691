using Microsoft.Data.Sqlite;

namespace EnsembleFarm.Store;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, for a farm on one machine (and for reading its results later
/// with no silo running).
/// Every write runs in a <c>BEGIN IMMEDIATE</c> transaction, which takes the file's write lock up front, so
/// a claim or a fenced write reads and updates the same snapshot no matter how many processes compete
/// (a deferred transaction could read, lose the race for the lock and fail instead of waiting).
/// Each operation opens its own pooled connection, so one instance is safe to use from many threads.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite executes synchronously (its async methods complete on the calling thread), so the
/// operations here do their work synchronously and return completed tasks; waiting for another process's
/// write lock is bounded by the busy timeout.
/// </remarks>
public sealed partial class SqliteFarmStore : IFarmStore
{
    private const int BusyTimeoutMilliseconds = 10_000;
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    private readonly string _connectionString;
    private readonly TimeProvider _clock;
    private bool _disposed;

    /// <param name="path">
    /// The store file; <see cref="MigrateAsync"/> creates it if missing and must run before any other operation,
    /// which refuses a missing file rather than start an empty store beside the farm's history.
    /// </param>
    /// <param name="clock">Source of "now" for timestamps and lease expiry; tests pass a manual clock.</param>
    public SqliteFarmStore(string path, TimeProvider? clock = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        FilePath = Path.GetFullPath(path);
        _clock = clock ?? TimeProvider.System;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        }.ToString();
    }

    /// <summary>The full path of the store file.</summary>
    public string FilePath { get; }

    public string Location => FilePath;

    public Task MigrateAsync(CancellationToken ct = default) => AsTask(() => Migrate(ct));

    private bool Migrate(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        try
        {
            using var connection = Open(create: true);
            // WAL is a property of the file and cannot be switched inside a transaction.
            var journalMode = Scalar<string>(connection, null, "PRAGMA journal_mode = WAL;");
            if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new FarmStoreException($"The store '{FilePath}' cannot use write-ahead logging (journal mode '{journalMode}').");

            using var transaction = connection.BeginTransaction(deferred: false);
            Execute(connection, transaction,
                "CREATE TABLE IF NOT EXISTS schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);");
            var version = Scalar<long?>(connection, transaction, "SELECT version FROM schema_version WHERE id = 1;") ?? 0;
            if (version > SqliteSchema.CurrentVersion)
                throw new FarmStoreException(
                    $"The store '{FilePath}' has schema version {version}, newer than this build of EnsembleFarm knows " +
                    $"(up to {SqliteSchema.CurrentVersion}). Use a newer EnsembleFarm with this store.");
            foreach (var migration in SqliteSchema.Migrations.Where(m => m.Version > version))
            {
                Execute(connection, transaction, migration.Sql);
                migration.Backfill?.Invoke(connection, transaction);
                Execute(connection, transaction,
                    "INSERT INTO schema_version (id, version) VALUES (1, @v) ON CONFLICT (id) DO UPDATE SET version = excluded.version;",
                    ("@v", migration.Version));
            }
            transaction.Commit();
            return true;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteNotADatabase)
        {
            throw new FarmStoreException($"'{FilePath}' is not an EnsembleFarm store (not a SQLite database).", e);
        }
        catch (SqliteException e)
        {
            throw new FarmStoreException($"Cannot bring the store '{FilePath}' to schema version {SqliteSchema.CurrentVersion}: {e.Message}", e);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            // Pooled connections keep the file (and its -wal/-shm companions) open; let it go with the store.
            SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Hands a synchronous operation's result, or its exception, over as a task, so callers meet failures where
    /// they await, as with any async method (argument errors are still thrown at the call).
    /// </summary>
    private static Task<T> AsTask<T>(Func<T> operation)
    {
        try
        {
            return Task.FromResult(operation());
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }

    private long NowMs() => StoreCodec.ToUnixMs(_clock.GetUtcNow());

    private SqliteConnection Open(bool create = false)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // A pooled connection keeps writing to a deleted file's inode: check the path itself, so a silo learns
        // at once that the farm's history is gone instead of carrying on into a file nobody can open again.
        if (!create && !File.Exists(FilePath))
        {
            SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
            throw new FarmStoreException(
                $"The store file '{FilePath}' does not exist (deleted or moved while in use?). Restore it, or point the farm at a new store.");
        }
        var connection = new SqliteConnection(create
            ? new SqliteConnectionStringBuilder(_connectionString) { Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString()
            : _connectionString);
        try
        {
            connection.Open();
            Execute(connection, null, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = NORMAL;");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private T Read<T>(Func<SqliteConnection, T> query, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        try
        {
            using var connection = Open();
            return query(connection);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase)
        {
            throw Corrupt(e);
        }
    }

    /// <summary>Runs <paramref name="body"/> in a write transaction that holds the file's write lock from its first statement.</summary>
    private T Write<T>(Func<SqliteConnection, SqliteTransaction, long, T> body, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        try
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            var result = body(connection, transaction, NowMs());
            transaction.Commit();
            return result;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase)
        {
            throw Corrupt(e);
        }
    }

    private FarmStoreException Corrupt(SqliteException e) =>
        new($"The store file '{FilePath}' is damaged or is not an EnsembleFarm store ({e.Message}). Restore it from a backup, or point the farm at a new store.", e);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql,
        params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql,
        params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static T? Scalar<T>(SqliteConnection connection, SqliteTransaction? transaction, string sql,
        params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        var value = command.ExecuteScalar();
        if (value is null or DBNull) return default;
        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        return (T)Convert.ChangeType(value, target, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static List<T> List<T>(SqliteConnection connection, SqliteTransaction? transaction, string sql,
        Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(map(reader));
        return rows;
    }
}
