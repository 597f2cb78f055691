using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using EnsembleFarm.Domain.Search;
using EnsembleFarm.SearchProblems;

namespace EnsembleFarm.SearchBench;

/// <summary>
/// What one suggestion costs with 100 and 1,000 finished trials in the history: our TPE, GP and CMA-ES (the time of
/// <see cref="ISampler.Suggest"/>, the context built beforehand) beside Optuna's TPE (<c>study.ask</c> with the space on
/// an in-memory study: trial creation and every parameter's sampling), in the same invocation, one side after the other.
/// </summary>
internal static class SuggestionCost
{
    public static readonly int[] Sizes = [100, 1000];

    /// <summary>6 continuous dimensions, 10 (GP's cost grows with both), and the mixed space.</summary>
    public static readonly string[] Problems = ["hartmann6", "rosenbrock10", "mixed_int_cat"];

    private static readonly string[] Ours = ["tpe", "gp", "cmaes"];
    private static readonly string[] Theirs = ["tpe_multivariate", "tpe"];

    /// <summary>No more timed suggestions for one cell once this much time went into it (GP at 1,000 takes most).</summary>
    private static readonly TimeSpan CellBudget = TimeSpan.FromSeconds(10);

    public static void Run(int repeats, TextWriter output)
    {
        var problems = Problems.Select(BenchmarkProblems.Find).ToList();
        var ours = new Dictionary<(string Problem, int Size, string Sampler), Timing>();
        foreach (var problem in problems)
        {
            foreach (var size in Sizes)
            {
                // TPE and the GP only read the points and values, so uniform random ones serve (the GP models the 300 most
                // recent). CMA-ES rebuilds its distribution from its own generations, so it gets a history it made itself.
                var random = StudyRunner.Run(new RandomSampler(new() { Seed = (ulong)size }), problem.Space, problem.Function, size);
                foreach (var sampler in Ours)
                {
                    var history = sampler == "cmaes" ? StudyRunner.Run(OurSamplers.Make("cmaes", 1), problem.Space, problem.Function, size) : random;
                    ours[(problem.Name, size, sampler)] = Time(OurSamplers.Make(sampler, 1), new SearchContext(problem.Space, [Objective.Minimize("loss")], history), repeats);
                    Console.Error.WriteLine($"ours: {problem.Name} {size} {sampler} {ours[(problem.Name, size, sampler)].CpuMs:F3} ms");
                }
            }
        }

        var job = new JsonObject
        {
            ["problems"] = new JsonArray([.. problems.Select(OptunaSide.Problem)]),
            ["samplers"] = new JsonArray([.. Theirs.Select(s => JsonValue.Create(s))]),
            ["sizes"] = new JsonArray([.. Sizes.Select(s => JsonValue.Create(s))]),
            ["repeats"] = repeats,
        };
        var theirs = OptunaSide.RunAsync("cost", job).GetAwaiter().GetResult().ToDictionary(
            line => (line.GetProperty("problem").GetString()!, line.GetProperty("size").GetInt32(), line.GetProperty("sampler").GetString()!),
            line => new Timing(line.GetProperty("cpu_ms").GetDouble(), line.GetProperty("wall_ms").GetDouble(), line.GetProperty("repeats").GetInt32()));

        output.WriteLine($"Milliseconds of one suggestion: median thread CPU time, and in brackets median wall time, of up to {repeats} timed calls " +
            $"(ours: after a warm-up, fewer calls when a cell passes {CellBudget.TotalSeconds:F0} s; Optuna: after one untimed call).");
        output.WriteLine();
        output.WriteLine("| function | finished trials | our tpe | our gp | our cmaes | Optuna tpe (multivariate) | Optuna tpe (defaults) | Optuna tpe mv / our tpe (CPU) | Optuna tpe / our tpe (CPU) |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var problem in problems)
        {
            foreach (var size in Sizes)
            {
                var tpe = ours[(problem.Name, size, "tpe")].CpuMs;
                var cells = Ours.Select(s => ours[(problem.Name, size, s)]).Concat(Theirs.Select(s => theirs[(problem.Name, size, s)])).Select(t => t.Format(repeats));
                output.WriteLine($"| {problem.Name} | {size:N0} | {string.Join(" | ", cells)} | " +
                    $"{theirs[(problem.Name, size, "tpe_multivariate")].CpuMs / tpe:F0} | {theirs[(problem.Name, size, "tpe")].CpuMs / tpe:F0} |");
            }
        }
        var worst = problems.Max(p => ours[(p.Name, Sizes.Max(), "tpe")].CpuMs);
        output.WriteLine();
        output.WriteLine($"Target: our TPE under 1 ms per suggestion at 1,000 finished trials: {(worst < 1 ? "met" : "**not met**")} (slowest of the three functions: {worst:F3} ms CPU).");
    }

    /// <summary>
    /// The median of up to <paramref name="repeats"/> calls, after at least three calls and half a second of warm-up so
    /// that the timed calls run the JIT's optimised code, as a long-lived campaign grain does.
    /// </summary>
    private static Timing Time(ISampler sampler, SearchContext context, int repeats)
    {
        var warmUp = Stopwatch.StartNew();
        for (var i = 0; i < 3 || warmUp.Elapsed < TimeSpan.FromSeconds(0.5); i++) sampler.Suggest(context);
        var cpu = new List<double>();
        var wall = new List<double>();
        var cell = Stopwatch.StartNew();
        while (cpu.Count < repeats && (cpu.Count < 3 || cell.Elapsed < CellBudget))
        {
            var clock = Stopwatch.StartNew();
            var start = ThreadClock.Milliseconds();
            sampler.Suggest(context);
            cpu.Add(ThreadClock.Milliseconds() - start);
            wall.Add(clock.Elapsed.TotalMilliseconds);
        }
        return new Timing(StudyRunner.Median(cpu), StudyRunner.Median(wall), cpu.Count);
    }

    private sealed record Timing(double CpuMs, double WallMs, int Count)
    {
        /// <summary>"CPU (wall)", saying how many calls it rests on when the time budget cut them short.</summary>
        public string Format(int repeats) => $"{F(CpuMs)} ({F(WallMs)}){(Count < repeats ? $", {Count} calls" : "")}";
    }

    private static string F(double ms) => ms.ToString(ms < 10 ? "F3" : "F1", CultureInfo.InvariantCulture);
}
