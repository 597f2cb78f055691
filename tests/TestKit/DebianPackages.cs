namespace EnsembleFarm.TestKit;

/// <summary>
/// Debian packages a test needs (PostgreSQL, PyTorch, Chromium), installed with apt-get when missing and the tests run
/// as root; otherwise the test fails saying what to install, rather than skip and look green.
/// </summary>
public static class DebianPackages
{
    /// <summary>Serialises installs across test processes that start at the same moment (apt holds its own lock and would fail).</summary>
    private const string InstallLock = "/tmp/ensemblefarm-apt.lock";

    /// <param name="isInstalled">Whether what the package provides is there already.</param>
    /// <param name="what">What the package provides, for the message when it cannot be installed.</param>
    /// <exception cref="InvalidOperationException">Missing and not installable here (not root), or the install failed.</exception>
    public static async Task EnsureAsync(string package, Func<bool> isInstalled, string what, CancellationToken ct)
    {
        if (isInstalled()) return;
        if (!Environment.IsPrivilegedProcess)
            throw new InvalidOperationException(
                $"{what} is not installed. Install it, e.g. 'sudo apt-get install -y {package}' on Debian, or run the tests as root to let them install it.");

        await using var installLock = await LockAsync(ct).ConfigureAwait(false);
        if (isInstalled()) return;
        foreach (var arguments in (string[][])[["update", "-qq"], ["install", "-y", "-qq", package]])
        {
            var info = ProcessRunner.StartInfo("apt-get", arguments, "/", asServiceUser: false);
            info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
            await ProcessRunner.RunAsync(info, ct).ConfigureAwait(false);
        }
        if (!isInstalled()) throw new InvalidOperationException($"apt-get installed {package}, yet {what} is still missing.");
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
