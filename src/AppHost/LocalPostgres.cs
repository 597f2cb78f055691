using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace EnsembleFarm.AppHost;

/// <summary>
/// PostgreSQL for a cluster on this machine, run from Debian's binaries as an executable resource (no container runtime
/// is needed, and none works on these machines). Its data folder persists between runs, so a cluster stopped and started
/// again resumes its campaigns. postgres refuses to run as root: as root it runs as the <c>postgres</c> user.
/// </summary>
internal static class LocalPostgres
{
    /// <summary>The farm's own port, apart from a system PostgreSQL's 5432.</summary>
    public const int Port = 21432;

    private const string HealthCheck = "postgres-accepts-connections";

    public static (IResourceBuilder<ExecutableResource> Resource, string ConnectionString) Add(IDistributedApplicationBuilder builder, string dataFolder)
    {
        var bin = FindBinaries();
        var asRoot = Environment.IsPrivilegedProcess;
        if (!File.Exists(Path.Combine(dataFolder, "PG_VERSION"))) InitDb(bin, dataFolder, asRoot);

        string[] serverArgs = ["-D", dataFolder, "-p", Port.ToString(), "-k", dataFolder, "-c", "listen_addresses=127.0.0.1"];
        var postgres = Path.Combine(bin, "postgres");
        var resource = asRoot
            ? builder.AddExecutable("postgres", "setpriv", dataFolder, ["--reuid=postgres", "--regid=postgres", "--init-groups", postgres, .. serverArgs])
            : builder.AddExecutable("postgres", postgres, dataFolder, serverArgs);

        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = "postgres",
        }.ConnectionString;
        builder.Services.AddHealthChecks().AddAsyncCheck(HealthCheck, async ct =>
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(ct);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy(e.Message);
            }
        });
        return (resource.WithHealthCheck(HealthCheck), connectionString);
    }

    /// <summary>The newest PostgreSQL that Debian installed (/usr/lib/postgresql/VERSION/bin).</summary>
    private static string FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        var newest = Directory.Exists(root)
            ? Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, "bin", "postgres")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0).FirstOrDefault()
            : null;
        return newest is null
            ? throw new FarmAppException("PostgreSQL is not installed here (no /usr/lib/postgresql/*/bin/postgres); a cluster needs it: apt-get install postgresql")
            : Path.Combine(newest, "bin");
    }

    private static void InitDb(string bin, string dataFolder, bool asRoot)
    {
        Directory.CreateDirectory(dataFolder);
        if (asRoot) Run("chown", ["-R", "postgres:postgres", dataFolder]);
        string[] initdb = [Path.Combine(bin, "initdb"), "-D", dataFolder, "--auth=trust", "--username=postgres", "--encoding=UTF8", "--no-sync"];
        if (asRoot) Run("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", .. initdb]);
        else Run(initdb[0], initdb[1..]);
    }

    private static void Run(string command, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new FarmAppException($"cannot start {command}");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new FarmAppException($"preparing PostgreSQL's data folder failed ({command} exit {process.ExitCode}): {errors.Trim()} {output.Result.Trim()}");
    }
}
