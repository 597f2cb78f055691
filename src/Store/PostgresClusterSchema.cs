using Npgsql;

namespace EnsembleFarm.Store;

/// <summary>
/// Creates the tables Orleans' ADO.NET clustering keeps its membership in (Orleans' own SQL, embedded from
/// <c>OrleansSchema/</c>), in the database the farm's store lives in. Every silo calls it at start: the first creates
/// the tables, the others find them; the Orleans scripts are not idempotent, so they run under an advisory lock and only
/// while <c>to_regclass('orleansquery')</c> finds no table.
/// </summary>
public static class PostgresClusterSchema
{
    /// <summary>Serialises the creation across silos (<c>pg_advisory_xact_lock</c>); "EnsFarm" + 2 in ASCII.</summary>
    private const long CreationLock = 0x456E_7346_6172_6D02;

    private static readonly string[] Scripts = ["PostgreSQL-Main.sql", "PostgreSQL-Clustering.sql"];

    /// <summary>Creates Orleans' clustering tables unless they exist. Returns whether this call created them.</summary>
    /// <param name="location">The store's PostgreSQL URL or connection string.</param>
    /// <param name="retry">How long to ride out a lost connection; <see cref="PostgresRetryPolicy.Default"/> when null.</param>
    /// <exception cref="FarmStoreException">The server is unreachable or refuses the login.</exception>
    public static async Task<bool> EnsureAsync(string location, PostgresRetryPolicy? retry = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        var settings = PostgresLocation.Parse(location);
        var scripts = Scripts.Select(Read).ToArray();
        await using var dataSource = NpgsqlDataSource.Create(settings);
        // One transaction: a silo that dies half way leaves no half-made schema behind, so a retry starts clean.
        return await PostgresRetry.RunAsync(dataSource, retry ?? PostgresRetryPolicy.Default, PostgresLocation.Describe(settings),
            async connection =>
            {
                await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                var session = new PostgresSession(connection, now: 0, ct); // Orleans' scripts take no time from the store
                await session.ExecuteAsync("SELECT pg_advisory_xact_lock(@key);", ("key", CreationLock)).ConfigureAwait(false);
                if (await session.ScalarAsync<bool>("SELECT to_regclass('orleansquery') IS NOT NULL;").ConfigureAwait(false))
                    return false;
                foreach (var script in scripts) await session.ExecuteAsync(script).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return true;
            }, ct).ConfigureAwait(false);
    }

    private static string Read(string script)
    {
        using var stream = typeof(PostgresClusterSchema).Assembly.GetManifestResourceStream($"EnsembleFarm.Store.OrleansSchema.{script}")
            ?? throw new InvalidOperationException($"The Orleans schema script {script} is not embedded in this build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
