namespace EnsembleFarm.Store;

/// <summary>Turns a store location (what users pass as <c>--store</c>) into an open, migrated store.</summary>
public static class FarmStoreFactory
{
    private const string SqlitePrefix = "sqlite:";

    /// <summary>
    /// Opens the store at <paramref name="location"/>: null or empty → <see cref="FarmPaths.DefaultStoreLocation"/>;
    /// a file path or <c>sqlite:&lt;path&gt;</c> → a SQLite file (its folder is created); a <c>postgres://</c> or
    /// <c>postgresql://</c> URL, or an Npgsql connection string (<c>Host=…</c>) → a PostgreSQL database. The schema is
    /// created or upgraded before the store is returned.
    /// </summary>
    /// <exception cref="FarmStoreException">
    /// The location is unsupported, the file is not a usable store, or the server is unreachable or refuses the login.
    /// </exception>
    public static async Task<IFarmStore> OpenAsync(string? location, TimeProvider? clock = null, CancellationToken ct = default)
    {
        var text = string.IsNullOrWhiteSpace(location) ? FarmPaths.DefaultStoreLocation : location.Trim();
        return PostgresLocation.IsPostgres(text)
            ? await MigratedAsync(new PostgresFarmStore(text, clock), ct).ConfigureAwait(false)
            : await OpenSqliteAsync(text, clock, ct).ConfigureAwait(false);
    }

    private static async Task<IFarmStore> OpenSqliteAsync(string location, TimeProvider? clock, CancellationToken ct)
    {
        var path = ResolveSqlitePath(location);
        var folder = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder))
        {
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new FarmStoreException($"Cannot create the store folder '{folder}': {e.Message}", e);
            }
        }

        return await MigratedAsync(new SqliteFarmStore(path, clock), ct).ConfigureAwait(false);
    }

    private static async Task<IFarmStore> MigratedAsync(IFarmStore store, CancellationToken ct)
    {
        try
        {
            await store.MigrateAsync(ct).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The full path of the SQLite file that <paramref name="location"/> names.</summary>
    /// <exception cref="FarmStoreException">The location names a PostgreSQL server.</exception>
    public static string ResolveSqlitePath(string? location)
    {
        var text = string.IsNullOrWhiteSpace(location) ? FarmPaths.DefaultStoreLocation : location.Trim();
        if (PostgresLocation.IsPostgres(text))
            throw new FarmStoreException($"'{PostgresLocation.Redact(text)}' names a PostgreSQL server, not a SQLite file.");
        if (text.StartsWith(SqlitePrefix, StringComparison.OrdinalIgnoreCase))
            text = text[SqlitePrefix.Length..];
        if (string.IsNullOrWhiteSpace(text))
            throw new FarmStoreException($"The store location '{location}' names no file.");
        return Path.GetFullPath(text);
    }
}
