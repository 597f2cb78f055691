using System.Runtime.InteropServices;

namespace EnsembleFarm.SearchBench;

/// <summary>
/// CPU time of the calling thread (Linux's CLOCK_THREAD_CPUTIME_ID). On a shared machine wall time measures the
/// neighbours as much as the code; the CPU time a suggestion used is what both sides are compared on (Python's side
/// reads the same clock through time.thread_time).
/// </summary>
internal static partial class ThreadClock
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    public static double Milliseconds()
    {
        if (ClockGetTime(ClockThreadCpuTimeId, out var time) != 0) throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        return time.Seconds * 1e3 + time.Nanoseconds * 1e-6;
    }
}
