using System.Collections.Concurrent;
using System.Diagnostics;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.AppHost.Tests;

/// <summary>The README's main command as a user runs it: <c>dotnet run --project src/AppHost -c Release</c>, from the repository's root.</summary>
internal sealed class AppHostRun : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private AppHostRun(Process process) => _process = process;

    public int ProcessId => _process.Id;

    public string Output => string.Join('\n', _lines);

    public IReadOnlyList<string> Lines => [.. _lines];

    public static AppHostRun Start(params string[] args)
    {
        var root = RepositoryRoot();
        // In a session of its own, so that Ctrl+C can be sent as a terminal sends it: to the whole process group
        // (dotnet run and the AppHost it starts), not to this test process. With SIGINT back to its default action:
        // a shell ignores it in what it starts in the background, that is inherited, and .NET leaves an ignored
        // SIGINT ignored, so a test command started with '&' saw the AppHost never hear its Ctrl+C.
        var start = new ProcessStartInfo("env")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["--default-signal=INT", "setsid", "dotnet", "run", "--project", Path.Combine(root, "src", "AppHost"), "-c", "Release", "--no-build", "--", .. args])
            start.ArgumentList.Add(arg);
        var process = new Process { StartInfo = start };
        var run = new AppHostRun(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) run._lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) run._lines.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return run;
    }

    public Task WaitForLineAsync(Func<string, bool> match, TimeSpan timeout) =>
        Eventually.TrueAsync(() => _lines.Any(match) || _process.HasExited, timeout, "the AppHost's line")
            .ContinueWith(t =>
            {
                if (!_lines.Any(match)) throw new InvalidOperationException($"the AppHost did not print the line awaited:\n{Output}");
            }, TaskScheduler.Default);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the AppHost did not exit within {timeout.TotalSeconds:F0} s:\n{Output}");
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Signals the whole process group, as a terminal does on Ctrl+C (and a supervisor on stop).</summary>
    public void Signal(int signal) => Signals.Send(-_process.Id, signal);

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "EnsembleFarm.sln"))) return folder.FullName;
        throw new InvalidOperationException($"no EnsembleFarm.sln above {AppContext.BaseDirectory}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM first: the AppHost stops its resources; a kill would leave its silo behind.
            Signal(Signals.Term);
            if (!_process.WaitForExit(TimeSpan.FromSeconds(60))) _process.Kill(entireProcessTree: true);
        }
        await Task.CompletedTask;
        _process.Dispose();
    }
}
