using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace EnsembleFarm.TestKit;

/// <summary>
/// A throwaway PostgreSQL server for tests: Debian's binaries, a fresh cluster in a temporary folder, trust
/// authentication on 127.0.0.1 and a free port, no fsync. The postmaster is a child process of the test, so a test
/// can stop it and start it again on the same data and port ("PostgreSQL restarted mid-campaign"). Each instance
/// has its own folder and port, so several test processes may run servers at once.
/// </summary>
/// <remarks>
/// As root, the binaries are installed when missing (apt-get, one process at a time) and the server runs as user
/// <c>postgres</c>, which PostgreSQL requires. A test process killed outright leaves its server running; the
/// server's folder names it (<c>ensemblefarm-pg-*</c> under the temporary folder).
/// </remarks>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>The superuser initdb creates; trust authentication lets it in without a password.</summary>
    public const string SuperUser = "postgres";

    private const int LogLines = 200;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly PostgresBinaries _binaries;
    private readonly string _folder;
    private readonly ConcurrentQueue<string> _log = new();
    private Process? _postmaster;

    private PostgresServer(PostgresBinaries binaries, string folder)
    {
        _binaries = binaries;
        _folder = folder;
    }

    /// <summary>The address the server listens on.</summary>
    public string Host => "127.0.0.1";

    /// <summary>The server's TCP port, the same across restarts.</summary>
    public int Port { get; private set; }

    /// <summary>The cluster's data folder.</summary>
    public string DataDirectory => Path.Combine(_folder, "data");

    /// <summary>How long <c>initdb</c> took.</summary>
    public TimeSpan InitDuration { get; private set; }

    /// <summary>How long the first start took, from launching the postmaster to its first accepted connection.</summary>
    public TimeSpan FirstStartDuration { get; private set; }

    /// <summary>Whether the postmaster is running.</summary>
    public bool IsRunning => _postmaster is { HasExited: false };

    /// <summary>Creates a cluster in a new temporary folder and starts it, installing PostgreSQL first when missing (as root).</summary>
    /// <exception cref="InvalidOperationException">PostgreSQL is missing and cannot be installed, or the server would not start.</exception>
    public static async Task<PostgresServer> StartNewAsync(CancellationToken ct = default)
    {
        var binaries = await PostgresBinaries.FindOrInstallAsync(ct).ConfigureAwait(false);
        var server = new PostgresServer(binaries, Directory.CreateTempSubdirectory("ensemblefarm-pg-").FullName);
        try
        {
            await server.InitAsync(ct).ConfigureAwait(false);
            var clock = Stopwatch.StartNew();
            await server.StartOnFreePortAsync(ct).ConfigureAwait(false);
            server.FirstStartDuration = clock.Elapsed;
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A connection string for <paramref name="database"/> as the superuser.</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = SuperUser,
        Database = database,
    }.ConnectionString;

    /// <summary>Creates an empty database and returns its connection string.</summary>
    /// <param name="name">Lower-case letters, digits and underscores.</param>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(name) || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            throw new ArgumentException($"A test database name is lower-case letters, digits and '_', got '{name}'.", nameof(name));
        await ExecuteAsync($"CREATE DATABASE \"{name}\";", ct).ConfigureAwait(false);
        return ConnectionString(name);
    }

    /// <summary>Runs SQL in the <c>postgres</c> database on a connection of its own (no pool survives a restart).</summary>
    public async Task ExecuteAsync(string sql, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString("postgres"));
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Stops the server the way an operator's fast shutdown does: sessions are ended, data stays.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        if (_postmaster is not { } postmaster) return;
        if (!postmaster.HasExited)
        {
            await ProcessRunner.RunAsync(ProcessRunner.StartInfo(_binaries.Tool("pg_ctl"),
                ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60"], _folder, asServiceUser: true), ct).ConfigureAwait(false);
            await postmaster.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        postmaster.Dispose();
        _postmaster = null;
    }

    /// <summary>Starts the stopped server again on the same data folder and port, and waits until it accepts connections.</summary>
    /// <exception cref="InvalidOperationException">It did not start; the message holds its log.</exception>
    public async Task StartAsync(CancellationToken ct = default)
    {
        if (IsRunning) throw new InvalidOperationException("The server is already running.");
        Launch();
        await WaitUntilReadyAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Stops the server and starts it again: every open connection breaks.</summary>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        await StopAsync(ct).ConfigureAwait(false);
        await StartAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Stops the server and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // pg_ctl failed: the process is ours, so end it the hard way rather than leave it behind.
            _postmaster?.Kill(entireProcessTree: true);
        }
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    /// <summary>What the server last wrote to its log, for failure messages.</summary>
    public string RecentLog() => string.Join('\n', _log);

    private async Task InitAsync(CancellationToken ct)
    {
        await ProcessRunner.ChownToServiceUserAsync(_folder, ct).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        await ProcessRunner.RunAsync(ProcessRunner.StartInfo(_binaries.Tool("initdb"),
            ["-D", DataDirectory, "-U", SuperUser, "--auth=trust", "--no-sync", "--encoding=UTF8", "--locale=C"],
            _folder, asServiceUser: true), ct).ConfigureAwait(false);
        InitDuration = clock.Elapsed;
    }

    /// <summary>
    /// A port found free by binding port 0 may be taken by another process before the postmaster binds it (several
    /// test assemblies start servers at once): then the postmaster exits at once and another port is tried.
    /// </summary>
    private async Task StartOnFreePortAsync(CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePorts.Take(1)[0];
            Launch();
            try
            {
                await WaitUntilReadyAsync(ct).ConfigureAwait(false);
                return;
            }
            catch (InvalidOperationException) when (attempt < 5 && RecentLog().Contains("could not bind", StringComparison.Ordinal))
            {
                _postmaster?.Dispose();
                _postmaster = null;
            }
        }
    }

    private void Launch()
    {
        _log.Clear();
        var info = ProcessRunner.StartInfo(_binaries.Tool("postgres"),
            ["-D", DataDirectory, "-h", Host, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "-k", _folder, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
            _folder, asServiceUser: true);
        var postmaster = new Process { StartInfo = info };
        postmaster.OutputDataReceived += (_, e) => Log(e.Data);
        postmaster.ErrorDataReceived += (_, e) => Log(e.Data);
        postmaster.Start();
        postmaster.BeginOutputReadLine();
        postmaster.BeginErrorReadLine();
        _postmaster = postmaster;
    }

    private async Task WaitUntilReadyAsync(CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_postmaster is not { HasExited: false })
                throw new InvalidOperationException($"PostgreSQL exited while starting on port {Port}:\n{RecentLog()}");
            try
            {
                await using var connection = new NpgsqlConnection(AdminConnectionString("postgres"));
                await connection.OpenAsync(ct).ConfigureAwait(false);
                return;
            }
            catch (NpgsqlException) when (deadline.Elapsed < ReadyTimeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), ct).ConfigureAwait(false);
            }
        }
    }

    private string AdminConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(ConnectionString(database)) { Pooling = false, Timeout = 5 }.ConnectionString;

    private void Log(string? line)
    {
        if (line is null) return;
        _log.Enqueue(line);
        while (_log.Count > LogLines) _log.TryDequeue(out _);
    }
}
