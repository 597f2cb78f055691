using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace EnsembleFarm.TrainerAccuracy;

/// <summary>
/// Runs bench/trainer_accuracy.py on an export: <paramref name="workers"/> processes of one thread each, every one
/// taking the members whose index modulo the worker count is its own, as the built-in side runs that many trainings at once.
/// </summary>
internal static class PyTorchSide
{
    public static SideResult Train(string exportFolder, string python, string script, int members, int workers)
    {
        var wall = Stopwatch.StartNew();
        var processes = Enumerable.Range(0, workers).Select(shard =>
        {
            var start = new ProcessStartInfo(python) { RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { script, exportFolder, shard.ToString(), workers.ToString() }) start.ArgumentList.Add(argument);
            // One thread per training, as on the C# side; passive OpenMP waits, as in bench/run-trainer-vs-pytorch.sh.
            start.Environment["OMP_NUM_THREADS"] = "1";
            start.Environment["OPENBLAS_NUM_THREADS"] = "1";
            start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
            return Process.Start(start) ?? throw new InvalidOperationException($"could not start {python}");
        }).ToList();
        var errors = processes.Select(p => p.StandardError.ReadToEndAsync()).ToList();
        foreach (var process in processes) process.WaitForExit();
        var failed = processes.Select((p, i) => (p.ExitCode, Error: errors[i].Result)).FirstOrDefault(r => r.ExitCode != 0);
        if (failed.Error is not null) throw new InvalidOperationException($"{script} failed (exit {failed.ExitCode}):\n{failed.Error}");
        var seconds = wall.Elapsed.TotalSeconds;

        var folder = Path.Combine(exportFolder, "pytorch");
        var predictions = new float[members][];
        var epochs = new int[members];
        var memberSeconds = new double[members];
        for (var i = 0; i < members; i++)
        {
            predictions[i] = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(folder, $"member-{i:000}.f32"))).ToArray();
            using var info = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, $"member-{i:000}.json")));
            epochs[i] = info.RootElement.GetProperty("epochs").GetInt32();
            memberSeconds[i] = info.RootElement.GetProperty("seconds").GetDouble();
        }
        return new SideResult("PyTorch", predictions, epochs, memberSeconds, seconds);
    }
}
