using System.Runtime.InteropServices;

namespace EnsembleFarm.TestKit;

/// <summary>POSIX signals for fault tests: what an operator, a supervisor or the kernel sends a process.</summary>
public static partial class Signals
{
    public const int Interrupt = 2;
    public const int Term = 15;
    public const int Kill = 9;
    public const int Stop = 19;
    public const int Continue = 18;

    public static void Send(int processId, int signal)
    {
        if (SysKill(processId, signal) != 0)
            throw new InvalidOperationException($"kill({processId}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);
}
