using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http;

namespace EnsembleFarm.TestKit;

/// <summary>
/// A real <c>farm-silo</c> process on ports of its own, its console captured line by line, for tests of what only a
/// real process shows: signals, exit codes, health endpoints, a farm of several silos on PostgreSQL.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _newLine = new(0);

    private SiloProcess(string name, Process process, int siloPort, int gatewayPort, int httpPort)
    {
        Name = name;
        _process = process;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        HttpPort = httpPort;
    }

    public string Name { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public int HttpPort { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything it printed so far (stdout and stderr, in arrival order).</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    public string Output => string.Join('\n', _lines);

    /// <summary>The silo's id in the store and the cluster, as its runner logs it when ready ("silo ID ready with N slots").</summary>
    public string? SiloId => _lines.Select(l => System.Text.RegularExpressions.Regex.Match(l, @"silo (\S+) ready with")).FirstOrDefault(m => m.Success)?.Groups[1].Value;

    /// <summary>Starts farm-silo (next to the test's own binaries) with the store and free ports, plus <paramref name="extraArgs"/>.</summary>
    public static SiloProcess Start(string name, string store, IEnumerable<string>? extraArgs = null, IReadOnlyDictionary<string, string>? environment = null,
        int[]? ports = null)
    {
        ports ??= FreePorts.Take(3);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "farm-silo.dll"));
        foreach (var arg in (string[])["--store", store, "--silo-port", $"{ports[0]}", "--gateway-port", $"{ports[1]}", "--http-port", $"{ports[2]}"])
            start.ArgumentList.Add(arg);
        foreach (var arg in extraArgs ?? []) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = new Process { StartInfo = start };
        var silo = new SiloProcess(name, process, ports[0], ports[1], ports[2]);
        process.OutputDataReceived += (_, e) => silo.Add(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    private void Add(string? line)
    {
        if (line is null) return;
        _lines.Enqueue(line);
        _newLine.Release();
    }

    /// <summary>Waits for a line matching <paramref name="match"/> (printed before or after the call).</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_lines.FirstOrDefault(match) is { } line) return line;
            if (_process.HasExited && !_lines.Any(match))
                throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}) before printing the line awaited:\n{Output}");
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"{Name} did not print the line awaited within {timeout.TotalSeconds:F0} s:\n{Output}");
            await _newLine.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200), ct);
        }
    }

    /// <summary>Waits until the silo has joined its cluster and takes trials.</summary>
    public Task<string> WaitUntilReadyAsync(TimeSpan? timeout = null, CancellationToken ct = default) =>
        WaitForLineAsync(l => l.Contains(" ready with ", StringComparison.Ordinal), timeout ?? TimeSpan.FromSeconds(60), ct);

    /// <summary>GET on the silo's health endpoint: its status code, or null when nothing answers.</summary>
    public async Task<int?> HealthAsync(string path, CancellationToken ct = default)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            return (int)(await http.GetAsync($"http://127.0.0.1:{HttpPort}{path}", ct)).StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    public void Signal(int signal) => Signals.Send(_process.Id, signal);

    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds:F0} s:\n{Output}");
        }
        _process.WaitForExit(); // drains the output readers
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
            }
        }
        _process.Dispose();
    }
}
