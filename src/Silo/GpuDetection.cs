using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace EnsembleFarm.Silo;

/// <summary>A GPU as <c>nvidia-smi</c> lists it.</summary>
public sealed record GpuInfo(int Index, string Name, long MemoryMiB);

/// <summary>
/// The GPUs a silo offers (<c>--gpus</c>): the listed device ids as given (they are not checked against the hardware, so
/// a machine without GPUs can stand in for one in tests), none, or for <c>auto</c> those <c>nvidia-smi</c> lists. A
/// machine without nvidia-smi, or where it fails (no driver), offers none; either way one line says what was found.
/// </summary>
public static class GpuDetection
{
    public const string NvidiaSmi = "nvidia-smi";

    /// <summary>What <c>nvidia-smi</c> is asked: one CSV line per GPU, e.g. <c>0, NVIDIA H200, 143771 MiB</c>.</summary>
    public static readonly string[] QueryArguments = ["--query-gpu=index,name,memory.total", "--format=csv,noheader"];

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>The device ids to offer, and a line saying where they come from.</summary>
    /// <param name="program">The nvidia-smi to run (tests give a script of their own).</param>
    public static async Task<(IReadOnlyList<int> Ids, string Description)> DetectAsync(GpuSelection selection, string program = NvidiaSmi,
        CancellationToken ct = default)
    {
        if (selection.Ids is { } listed)
            return (listed, listed.Count == 0 ? "GPUs: none (--gpus none)" : $"GPUs: {string.Join(',', listed)} as listed (--gpus), not checked against the hardware");
        var (gpus, problem) = await QueryAsync(program, ct);
        if (problem is not null) return ([], $"GPUs: none, {problem}");
        return gpus.Count == 0
            ? ([], $"GPUs: none, {program} lists no GPU")
            : ([.. gpus.Select(g => g.Index)], $"GPUs: {string.Join("; ", gpus.Select(g => $"{g.Index} {g.Name} {g.MemoryMiB} MiB"))} (found by {program})");
    }

    /// <summary>The GPUs in nvidia-smi's CSV output (<see cref="QueryArguments"/>).</summary>
    /// <exception cref="FormatException">A line is not index, name, memory.</exception>
    public static IReadOnlyList<GpuInfo> Parse(string csv)
    {
        var gpus = new List<GpuInfo>();
        foreach (var line in csv.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0))
        {
            var fields = line.Split(',').Select(f => f.Trim()).ToArray();
            // A name may hold commas; index first and memory last do not.
            if (fields.Length < 3 || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                || fields[^1].Split(' ') is not [var amount, "MiB"] || !long.TryParse(amount, NumberStyles.None, CultureInfo.InvariantCulture, out var memory))
                throw new FormatException($"not a GPU line of nvidia-smi ({string.Join(',', QueryArguments)}): '{line}'");
            gpus.Add(new GpuInfo(index, string.Join(", ", fields[1..^1]), memory));
        }
        return gpus;
    }

    private static async Task<(IReadOnlyList<GpuInfo> Gpus, string? Problem)> QueryAsync(string program, CancellationToken ct)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in QueryArguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception($"{program} did not start");
        }
        catch (Win32Exception)
        {
            return ([], $"no {program} on this machine");
        }
        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Timeout);
            try
            {
                var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
                var error = await process.StandardError.ReadToEndAsync(timeout.Token);
                await process.WaitForExitAsync(timeout.Token);
                if (process.ExitCode != 0)
                    return ([], $"{program} failed (exit code {process.ExitCode}): {FirstLine(error) ?? FirstLine(await output) ?? "no message"}");
                return (Parse(await output), null);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                return ([], $"{program} did not answer within {Timeout.TotalSeconds:0} s");
            }
            catch (FormatException e)
            {
                return ([], e.Message);
            }
        }
    }

    private static string? FirstLine(string text) => text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
}
