namespace EnsembleFarm.Store;

/// <summary>Turns a store location (what users pass as <c>--store</c>) into an open, migrated store.</summary>
public static class FarmStoreFactory
{
    private const string SqlitePrefix = "sqlite:";

    /// <summary>
    /// Opens the store at <paramref name="location"/>: null or empty → <see cref="FarmPaths.DefaultStoreLocation"/>;
    /// a file path or <c>sqlite:&lt;path&gt;</c> → a SQLite file (its folder is created); a PostgreSQL URL or
    /// connection string is refused for now. The schema is created or upgraded before the store is returned.
    /// </summary>
    /// <exception cref="FarmStoreException">The location is unsupported or the file is not a usable store.</exception>
    public static async Task<IFarmStore> OpenAsync(string? location, TimeProvider? clock = null, CancellationToken ct = default)
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

        var store = new SqliteFarmStore(path, clock);
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
        if (IsPostgres(text))
            throw new FarmStoreException(
                $"'{Redact(text)}' names a PostgreSQL server; the PostgreSQL store arrives in a later release. Use a SQLite file path for now.");
        if (text.StartsWith(SqlitePrefix, StringComparison.OrdinalIgnoreCase))
            text = text[SqlitePrefix.Length..];
        if (string.IsNullOrWhiteSpace(text))
            throw new FarmStoreException($"The store location '{location}' names no file.");
        return Path.GetFullPath(text);
    }

    /// <summary>Whether the location names a PostgreSQL server (a URL or a connection string) rather than a SQLite file.</summary>
    public static bool IsPostgres(string? location) =>
        location is not null && (location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || location.Contains("Host=", StringComparison.OrdinalIgnoreCase));

    /// <summary>The location with any password masked: error messages end up in logs.</summary>
    public static string Redact(string location) =>
        System.Text.RegularExpressions.Regex.Replace(location, "(?i)(password=)[^;]*|(://[^:/@]*:)[^@]*@", m =>
            m.Groups[1].Success ? m.Groups[1].Value + "***" : m.Groups[2].Value + "***@");
}
