using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace EnsembleFarm.Silo.Training;

/// <summary>
/// A child process that leads a process group of its own (started through <c>setsid</c>), so that stopping it also
/// stops whatever it started: a PyTorch trainer's data-loader workers would otherwise outlive it and keep their memory
/// and GPU.
/// </summary>
internal sealed partial class ProcessGroup : IDisposable
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    private ProcessGroup(Process process) => Process = process;

    public Process Process { get; }

    /// <summary>Whether this side sent the signals that ended it (so its exit status says nothing of its own).</summary>
    public bool Stopped { get; private set; }

    /// <summary>Starts <paramref name="shellCommand"/> under <c>/bin/sh -c</c>, in a new session, with <paramref name="arguments"/> as $1….</summary>
    /// <exception cref="Win32Exception">setsid or /bin/sh cannot be started.</exception>
    public static ProcessGroup Start(string shellCommand, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var info = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        // A child that is not a group leader (one started by this process never is) makes setsid exec in place, so the
        // pid we hold is the new group's id.
        foreach (var argument in (string[])["/bin/sh", "-c", shellCommand, "farm-trainer", .. arguments]) info.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) info.Environment[name] = value;
        var process = Process.Start(info) ?? throw new Win32Exception("setsid did not start");
        process.StandardInput.Close();
        return new ProcessGroup(process);
    }

    /// <summary>SIGTERM to the group, SIGKILL after <paramref name="grace"/> if the leader is still there; then waits for it.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        Stopped = true;
        Signal(SigTerm);
        using var patience = new CancellationTokenSource(grace);
        try
        {
            await Process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
        }
        // Also after a clean exit: a child that ignored SIGTERM (or was left behind) must not outlive the trial.
        Signal(SigKill);
        await Process.WaitForExitAsync(CancellationToken.None);
    }

    /// <summary>SIGKILL to what is left of the group after the leader ended on its own.</summary>
    public void KillRemnants() => Signal(SigKill);

    private void Signal(int signal)
    {
        // ESRCH (the group is gone) is the expected answer once everything has ended.
        if (SysKill(-Process.Id, signal) != 0 && !Process.HasExited) SysKill(Process.Id, signal);
    }

    public void Dispose() => Process.Dispose();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);
}
