using System.Globalization;

namespace EnsembleFarm.TestKit;

/// <summary>Debian's PostgreSQL server binaries: the newest installed major version, installed first when missing and allowed.</summary>
internal sealed record PostgresBinaries(string BinFolder)
{
    private const string Root = "/usr/lib/postgresql";

    public string Tool(string name) => Path.Combine(BinFolder, name);

    /// <exception cref="InvalidOperationException">Missing and not installable here (not root), or the install failed.</exception>
    public static async Task<PostgresBinaries> FindOrInstallAsync(CancellationToken ct)
    {
        await DebianPackages.EnsureAsync("postgresql", () => Find() is not null, $"PostgreSQL's server binaries (no {Root}/<version>/bin/postgres)", ct)
            .ConfigureAwait(false);
        return Find()!;
    }

    private static PostgresBinaries? Find()
    {
        if (!Directory.Exists(Root)) return null;
        return Directory.EnumerateDirectories(Root)
            .Select(folder => (Folder: folder, Version: double.TryParse(Path.GetFileName(folder), NumberStyles.Float,
                CultureInfo.InvariantCulture, out var version) ? version : -1))
            .Where(candidate => candidate.Version >= 0 && File.Exists(Path.Combine(candidate.Folder, "bin", "postgres")))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => new PostgresBinaries(Path.Combine(candidate.Folder, "bin")))
            .FirstOrDefault();
    }
}
