using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EnsembleFarm.SearchProblems;

namespace EnsembleFarm.SearchBench;

/// <summary>One sampler's search of one problem with one seed: the best value after each checkpoint's number of trials.</summary>
internal sealed record SearchRun(string Side, string Sampler, string Problem, int Seed, double[] Best, double Seconds);

/// <summary>
/// How good each sampler is for a budget: every sampler of both sides searches every problem once per seed, 100 trials
/// one after the other (no parallel suggestions), and the tables give the median over seeds of the best value after 25,
/// 50 and 100 trials, and of its regret (best − minimum). Then issue 7's two targets, with the numbers they rest on.
/// </summary>
internal static class SamplerQuality
{
    public static readonly int[] Checkpoints = [25, 50, 100];

    public static void Run(int seeds, IReadOnlyList<SearchProblem> problems, TextWriter output)
    {
        var seedList = Enumerable.Range(1, seeds).ToArray();
        var job = new JsonObject
        {
            ["problems"] = new JsonArray([.. problems.Select(OptunaSide.Problem)]),
            ["samplers"] = new JsonArray([.. OptunaSide.Samplers.Select(s => JsonValue.Create(s))]),
            ["seeds"] = new JsonArray([.. seedList.Select(s => JsonValue.Create(s))]),
            ["checkpoints"] = new JsonArray([.. Checkpoints.Select(c => JsonValue.Create(c))]),
        };
        // Optuna runs in its own process meanwhile: neither side is timed here (the seconds per run are only a rough guide), only judged.
        var optuna = OptunaSide.RunAsync("quality", job);
        var runs = RunOurs(problems, seedList);
        runs.AddRange(optuna.GetAwaiter().GetResult().Select(line => Checked(line, problems)));

        output.WriteLine($"Median over {seeds} seeds (1–{seeds}) of each run's best value after 25, 50 and 100 trials, and of its regret (best − minimum).");
        foreach (var problem in problems) Table(problem, runs.Where(r => r.Problem == problem.Name).ToList(), output);
        Targets(problems, runs, output);
    }

    /// <summary>Every (problem, sampler, seed) run, as many at once as there are cores: runs are independent and deterministic, and only their results count here.</summary>
    private static List<SearchRun> RunOurs(IReadOnlyList<SearchProblem> problems, int[] seeds)
    {
        var jobs = problems.SelectMany(p => OurSamplers.Names.SelectMany(s => seeds.Select(seed => (Problem: p, Sampler: s, Seed: seed)))).ToList();
        var runs = new SearchRun[jobs.Count];
        var done = 0;
        Parallel.For(0, jobs.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var (problem, sampler, seed) = jobs[i];
            var clock = Stopwatch.StartNew();
            var trials = StudyRunner.Run(OurSamplers.Make(sampler, (ulong)seed), problem.Space, problem.Function, Checkpoints.Max());
            var best = Checkpoints.Select(c => StudyRunner.Best(trials.Take(c))).ToArray();
            runs[i] = new SearchRun("ours", sampler, problem.Name, seed, best, clock.Elapsed.TotalSeconds);
            if (Interlocked.Increment(ref done) % seeds.Length == 0) Console.Error.WriteLine($"ours: {done} of {jobs.Count} runs");
        });
        return [.. runs];
    }

    /// <summary>An Optuna run, after checking that our definition of the function gives the value Optuna got at its best point.</summary>
    private static SearchRun Checked(JsonElement line, IReadOnlyList<SearchProblem> problems)
    {
        var problem = problems.Single(p => p.Name == line.GetProperty("problem").GetString());
        var reported = line.GetProperty("best_value").GetDouble();
        var ours = problem.Function(OptunaSide.Params(problem.Space, line.GetProperty("best_params")));
        if (!(Math.Abs(ours - reported) <= 1e-9 * Math.Max(1, Math.Abs(reported))))
            throw new InvalidOperationException($"{problem.Name}: Optuna's best point gives {reported:R} in Python but {ours:R} here; the two definitions of the function differ");
        return new SearchRun("optuna", line.GetProperty("sampler").GetString()!, problem.Name, line.GetProperty("seed").GetInt32(),
            [.. line.GetProperty("best").EnumerateArray().Select(v => v.GetDouble())], line.GetProperty("seconds").GetDouble());
    }

    private static void Table(SearchProblem problem, List<SearchRun> runs, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"**{problem.Name}** ({problem.Space.Count} parameters, minimum {G(problem.Minimum, 7)})");
        output.WriteLine();
        output.WriteLine("| side | sampler | best @25 | best @50 | best @100 | regret @25 | regret @50 | regret @100 | s per run |");
        output.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var group in runs.GroupBy(r => (r.Side, r.Sampler)))
        {
            var best = Enumerable.Range(0, Checkpoints.Length).Select(i => StudyRunner.Median(group.Select(r => r.Best[i]))).ToArray();
            output.WriteLine($"| {group.Key.Side} | {group.Key.Sampler} | {string.Join(" | ", best.Select(b => G(b, 6)))} | " +
                $"{string.Join(" | ", best.Select(b => G(problem.Regret(b), 3)))} | {StudyRunner.Median(group.Select(r => r.Seconds)):F2} |");
        }
    }

    private static void Targets(IReadOnlyList<SearchProblem> problems, List<SearchRun> runs, TextWriter output)
    {
        double[] At100(string side, string sampler, string problem) =>
            [.. runs.Where(r => r.Side == side && r.Sampler == sampler && r.Problem == problem).Select(r => r.Best[^1])];

        output.WriteLine();
        output.WriteLine("Target 1: our TPE's median regret at 100 trials ≤ Optuna TPE's, on each function. " +
            "P(ours lower): the share of (our seed, Optuna seed) pairs in which our run ended lower (ties count half).");
        output.WriteLine();
        output.WriteLine("| function | our tpe | Optuna tpe (multivariate) | met | P(ours lower) | Optuna tpe (defaults, independent) | met | P(ours lower) |");
        output.WriteLine("|---|---:|---:|---|---:|---:|---|---:|");
        foreach (var problem in problems)
        {
            var ours = At100("ours", "tpe", problem.Name);
            var cells = new[] { "tpe_multivariate", "tpe" }.Select(optunaSampler =>
            {
                var theirs = At100("optuna", optunaSampler, problem.Name);
                var met = StudyRunner.Median(ours) <= StudyRunner.Median(theirs);
                return $"{G(problem.Regret(StudyRunner.Median(theirs)), 3)} | {(met ? "yes" : "**no**")} | {ShareLower(ours, theirs):F2}";
            });
            output.WriteLine($"| {problem.Name} | {G(problem.Regret(StudyRunner.Median(ours)), 3)} | {string.Join(" | ", cells)} |");
        }

        output.WriteLine();
        output.WriteLine("Target 2: our GP better than our TPE on the functions of up to 6 dimensions (median regret; at 100 trials the target, 25 and 50 for the trend).");
        output.WriteLine();
        output.WriteLine("| function | dims | gp @25 | tpe @25 | gp @50 | tpe @50 | gp @100 | tpe @100 | met (100) | P(gp lower) at 100 |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|");
        foreach (var problem in problems.Where(p => p.Space.Count <= 6))
        {
            var gp = runs.Where(r => r.Side == "ours" && r.Sampler == "gp" && r.Problem == problem.Name).ToList();
            var tpe = runs.Where(r => r.Side == "ours" && r.Sampler == "tpe" && r.Problem == problem.Name).ToList();
            var cells = Enumerable.Range(0, Checkpoints.Length).Select(i =>
                $"{G(problem.Regret(StudyRunner.Median(gp.Select(r => r.Best[i]))), 3)} | {G(problem.Regret(StudyRunner.Median(tpe.Select(r => r.Best[i]))), 3)}");
            var met = StudyRunner.Median(gp.Select(r => r.Best[^1])) < StudyRunner.Median(tpe.Select(r => r.Best[^1]));
            output.WriteLine($"| {problem.Name} | {problem.Space.Count} | {string.Join(" | ", cells)} | {(met ? "yes" : "**no**")} | " +
                $"{ShareLower([.. gp.Select(r => r.Best[^1])], [.. tpe.Select(r => r.Best[^1])]):F2} |");
        }
    }

    /// <summary>The Mann–Whitney statistic as a share: how often a run of <paramref name="a"/> ends below one of <paramref name="b"/>.</summary>
    private static double ShareLower(double[] a, double[] b) =>
        a.Sum(x => b.Sum(y => x < y ? 1.0 : x == y ? 0.5 : 0.0)) / (a.Length * b.Length);

    private static string G(double value, int digits) => value.ToString("G" + digits, CultureInfo.InvariantCulture);
}
