using System.Diagnostics;

namespace EnsembleFarm.TrainerAccuracy;

/// <summary>
/// Runs bench/trainer_accuracy.py on an export: <paramref name="workers"/> processes of one thread each, every one
/// taking the members whose index modulo the worker count is its own, as the built-in side runs that many trainings at
/// once. The script writes the export's <c>pytorch</c> folder; this adds the side's wall time.
/// </summary>
internal static class PyTorchSide
{
    public const string Name = "PyTorch";
    public const string Folder = "pytorch";

    public static void Train(string exportFolder, string python, string script, int workers)
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
        for (var i = 0; i < processes.Count; i++)
        {
            if (processes[i].ExitCode != 0) throw new InvalidOperationException($"{script} failed (exit {processes[i].ExitCode}):\n{errors[i].Result}");
        }
        SideResult.SaveSide(Path.Combine(exportFolder, Folder), Name, wall.Elapsed.TotalSeconds);
    }
}
