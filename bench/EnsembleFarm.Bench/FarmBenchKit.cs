using System.Diagnostics;
using System.Globalization;
using EnsembleFarm.Client.Connection;
using EnsembleFarm.TestKit;
using Npgsql;

namespace EnsembleFarm.Bench;

/// <summary>What the farm benches share: the repository's folders, the machine's load, silos started together, order statistics.</summary>
internal static class FarmBenchKit
{
    private static readonly TimeSpan SiloStartPatience = TimeSpan.FromSeconds(240);

    /// <summary>The repository root (the folder holding EnsembleFarm.sln), found upwards from the bench's binaries.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The 1, 5 and 15 minute load averages, as uptime prints them.</summary>
    public static string Load() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    public static string Now() => DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>Starts <paramref name="count"/> farm-silo processes at once on <paramref name="store"/> and waits until each is ready.</summary>
    /// <returns>The silos, and how long the slowest took to be ready.</returns>
    /// <param name="environment">Each silo's extra environment variables, by its name (silo-1, silo-2, …).</param>
    public static async Task<(List<SiloProcess> Silos, TimeSpan Ready)> StartSilosAsync(string store, int count, IReadOnlyList<string> args,
        Func<string, IReadOnlyDictionary<string, string>?>? environment = null)
    {
        var clock = Stopwatch.StartNew();
        var silos = Enumerable.Range(1, count).Select(i => $"silo-{i}").Select(name => SiloProcess.Start(name, store, args, environment?.Invoke(name))).ToList();
        try
        {
            await Task.WhenAll(silos.Select(s => s.WaitUntilReadyAsync(SiloStartPatience)));
        }
        catch
        {
            await StopAsync(silos);
            throw;
        }
        return (silos, clock.Elapsed);
    }

    /// <summary>Ends the silos (SIGKILL: the work they were given is over, and a drain would only add waiting).</summary>
    public static async Task StopAsync(IEnumerable<SiloProcess> silos)
    {
        foreach (var silo in silos) await silo.DisposeAsync();
    }

    /// <summary>A client of the cluster whose membership lives in <paramref name="store"/>, as <c>farm --cluster</c> connects.</summary>
    public static Task<IFarmConnection> ConnectClusterAsync(string store, CancellationToken ct) =>
        FarmConnector.ConnectAsync(new ConnectionOptions(Gateway: null, Cluster: store, Store: null, ClusterId: null), FarmNeed.Farm, ct);

    /// <summary>A client of the one-silo farm at this gateway, as <c>farm --gateway</c> connects.</summary>
    public static Task<IFarmConnection> ConnectGatewayAsync(int gatewayPort, CancellationToken ct) =>
        FarmConnector.ConnectAsync(new ConnectionOptions(Gateway: $"127.0.0.1:{gatewayPort}", Cluster: null, Store: null, ClusterId: null), FarmNeed.Farm, ct);

    /// <summary>
    /// Prepares the test server for the throughput bench: a higher connection limit (100 by default: eight silos, each
    /// with its store's pool and Orleans' membership connections, plus the bench's own, come close to it), and
    /// pg_stat_statements loaded, so that each run's statements can be counted and their execution time summed.
    /// </summary>
    public static async Task PrepareServerAsync(PostgresServer server, int connectionLimit, CancellationToken ct)
    {
        await server.ExecuteAsync($"ALTER SYSTEM SET max_connections = {connectionLimit};", ct);
        await server.ExecuteAsync("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements';", ct);
        await server.RestartAsync(ct);
        await server.ExecuteAsync("CREATE EXTENSION IF NOT EXISTS pg_stat_statements;", ct);
    }

    /// <summary>Forgets the statements counted so far (all databases).</summary>
    public static Task ResetStatementsAsync(PostgresServer server, CancellationToken ct) => server.ExecuteAsync("SELECT pg_stat_statements_reset();", ct);

    /// <summary>The statements run in <paramref name="database"/> since the last reset: text, calls, total execution time (ms, on the server).</summary>
    public static async Task<IReadOnlyList<(string Query, long Calls, double Milliseconds)>> StatementsAsync(PostgresServer server, string database, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.ConnectionString()) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""
            SELECT query, calls, total_exec_time FROM pg_stat_statements
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = @database) ORDER BY total_exec_time DESC;
            """, connection);
        command.Parameters.AddWithValue("database", database);
        var rows = new List<(string, long, double)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2)));
        return rows;
    }

    public static async Task DropDatabaseAsync(PostgresServer server, string name, CancellationToken ct)
    {
        NpgsqlConnection.ClearAllPools();
        await server.ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE);", ct);
    }

    /// <summary>Connections open on the server now (all databases), to show how close a run came to the limit.</summary>
    public static async Task<long> ConnectionsAsync(PostgresServer server, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.ConnectionString()) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend';", connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Runs a program to its end; its stdout, or an exception with both streams when it fails.</summary>
    public static async Task<string> RunAsync(string program, IEnumerable<string> args, CancellationToken ct)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepositoryRoot };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', start.ArgumentList)} exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
        return await stdout;
    }

    /// <summary>The p-quantile (0..1) of ascending values, interpolated linearly between order statistics (numpy's default).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return double.NaN;
        var position = p * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return Quantile(sorted, 0.5);
    }

    /// <summary>"median [min–max]" of the values.</summary>
    public static string Spread(IEnumerable<double> values, string format)
    {
        var list = values.ToList();
        return list.Count == 0 ? "–" : string.Create(CultureInfo.InvariantCulture,
            $"{Median(list).ToString(format, CultureInfo.InvariantCulture)} [{list.Min().ToString(format, CultureInfo.InvariantCulture)}–{list.Max().ToString(format, CultureInfo.InvariantCulture)}]");
    }

    public static string F(double value, string format = "F1") => value.ToString(format, CultureInfo.InvariantCulture);

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "EnsembleFarm.sln"))) return folder.FullName;
        return Directory.GetCurrentDirectory();
    }
}
