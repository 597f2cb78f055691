using System.Globalization;

namespace EnsembleFarm.TestKit;

/// <summary>Debian's PostgreSQL server binaries: the newest installed major version, installed first when missing and allowed.</summary>
internal sealed record PostgresBinaries(string BinFolder)
{
    private const string Root = "/usr/lib/postgresql";

    /// <summary>Serialises installs across test processes that start at the same moment (apt holds its own lock and would fail).</summary>
    private const string InstallLock = "/tmp/ensemblefarm-apt.lock";

    public string Tool(string name) => Path.Combine(BinFolder, name);

    /// <exception cref="InvalidOperationException">Missing and not installable here (not root), or the install failed.</exception>
    public static async Task<PostgresBinaries> FindOrInstallAsync(CancellationToken ct)
    {
        if (Find() is { } found) return found;
        if (!Environment.IsPrivilegedProcess)
            throw new InvalidOperationException(
                $"PostgreSQL's server binaries are not installed (no {Root}/<version>/bin/postgres). Install them, e.g. " +
                "'sudo apt-get install -y postgresql' on Debian or Ubuntu, or run the tests as root to let them install it.");

        await using var installLock = await LockAsync(ct).ConfigureAwait(false);
        if (Find() is { } installedMeanwhile) return installedMeanwhile;
        foreach (var arguments in (string[][])[["update", "-qq"], ["install", "-y", "-qq", "postgresql"]])
        {
            var info = ProcessRunner.StartInfo("apt-get", arguments, "/", asServiceUser: false);
            info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
            await ProcessRunner.RunAsync(info, ct).ConfigureAwait(false);
        }
        return Find() ?? throw new InvalidOperationException($"apt-get installed postgresql, yet {Root}/<version>/bin/postgres is missing.");
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

    /// <summary>An exclusive lock on <see cref="InstallLock"/> (an advisory flock on Linux), waited for as long as an install may take.</summary>
    private static async Task<FileStream> LockAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(InstallLock, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct).ConfigureAwait(false);
            }
        }
    }
}
