using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace EnsembleFarm.AppHost;

/// <summary>What a finished child process left: its exit code and everything it wrote.</summary>
public sealed record ChildResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// A child process of the local farm (a silo, a <c>farm</c> command), its output read line by line and
/// handed to a callback: the AppHost prefixes each silo line with "[name] " so the output of several
/// processes stays readable on one console.
/// </summary>
public sealed partial class ChildProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private readonly Process _process;

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the tool; each line it writes (stdout or stderr) goes to <paramref name="onLine"/>.</summary>
    public static ChildProcess StartObserved(string name, FarmTool tool, IEnumerable<string> arguments, Action<string> onLine)
    {
        var process = new Process { StartInfo = tool.StartInfo(arguments) };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) onLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) onLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(name, process);
    }

    /// <summary>Runs the tool to its end and returns what it wrote; it is killed if <paramref name="ct"/> fires.</summary>
    public static async Task<ChildResult> RunAsync(FarmTool tool, IEnumerable<string> arguments, CancellationToken ct)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = tool.StartInfo(arguments) };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        process.WaitForExit(); // drains the asynchronous output readers
        lock (stdout) lock (stderr) return new ChildResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    public async Task<int> WaitForExitAsync(CancellationToken ct)
    {
        await _process.WaitForExitAsync(ct);
        return _process.ExitCode;
    }

    /// <summary>
    /// Asks the process to stop (SIGTERM: a silo drains, a watcher leaves) and waits up to
    /// <paramref name="grace"/>; kills it if it is still running then.
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) return;
        if (OperatingSystem.IsWindows() || Kill(_process.Id, SigTerm) != 0)
        {
            KillNow();
            return;
        }
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            KillNow();
        }
    }

    /// <summary>Kills the process at once (SIGKILL on Unix): nothing of it runs any more, nothing is cleaned up.</summary>
    public void KillNow()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
