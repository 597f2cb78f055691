using System.Text.RegularExpressions;
using Npgsql;

namespace EnsembleFarm.Store;

/// <summary>
/// The two ways a user names a PostgreSQL store: a URL (<c>postgres://user:password@host:port/database?option=value</c>,
/// as libpq and most hosting services write it) or an Npgsql connection string (<c>Host=…;Username=…;…</c>).
/// </summary>
public static partial class PostgresLocation
{
    public static bool IsPostgres(string location) =>
        location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || location.Contains("Host=", StringComparison.OrdinalIgnoreCase);

    /// <summary>The connection settings that <paramref name="location"/> names.</summary>
    /// <exception cref="FarmStoreException">It cannot be read (the message shows it without its password).</exception>
    public static NpgsqlConnectionStringBuilder Parse(string location)
    {
        try
        {
            return location.Contains("://", StringComparison.Ordinal) ? FromUrl(new Uri(location.Trim())) : new NpgsqlConnectionStringBuilder(location);
        }
        catch (Exception e) when (e is ArgumentException or UriFormatException or FormatException or KeyNotFoundException)
        {
            // The exception's own message may quote the text it could not read, password included: it is left out.
            throw new FarmStoreException($"'{Redact(location)}' is not a PostgreSQL URL or connection string that this build can read.");
        }
    }

    /// <summary><c>host:port/database</c>: where the store is, for messages; never the password.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder settings) =>
        $"{settings.Host}:{settings.Port}/{settings.Database ?? settings.Username}";

    /// <summary>The location with any password replaced by <c>***</c>, for messages (they end up in logs).</summary>
    public static string Redact(string location) =>
        PasswordPattern().Replace(location, m =>
            m.Groups[1].Success ? m.Groups[1].Value + "***" : m.Groups[2].Value + "***@");

    private static NpgsqlConnectionStringBuilder FromUrl(Uri url)
    {
        var settings = new NpgsqlConnectionStringBuilder { Host = url.IdnHost };
        if (url.Port > 0) settings.Port = url.Port;
        if (url.UserInfo.Length > 0)
        {
            var colon = url.UserInfo.IndexOf(':', StringComparison.Ordinal);
            settings.Username = Uri.UnescapeDataString(colon < 0 ? url.UserInfo : url.UserInfo[..colon]);
            if (colon >= 0) settings.Password = Uri.UnescapeDataString(url.UserInfo[(colon + 1)..]);
        }
        var database = Uri.UnescapeDataString(url.AbsolutePath.TrimStart('/'));
        if (database.Length > 0) settings.Database = database;
        foreach (var option in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = option.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) throw new FormatException($"URL option '{option}' has no value.");
            settings[Uri.UnescapeDataString(option[..equals])] = Uri.UnescapeDataString(option[(equals + 1)..]);
        }
        return settings;
    }

    [GeneratedRegex("(?i)(password=)[^;]*|(://[^:/@]*:)[^@]*@")]
    private static partial Regex PasswordPattern();
}
