using System.Globalization;
using EnsembleFarm.SearchBench;
using EnsembleFarm.SearchProblems;

const string Usage = """
    usage: EnsembleFarm.SearchBench <command>   (from the repository root: it runs bench/optuna_samplers.py with /usr/bin/python3)
      sampler-quality [SEEDS]     our random, tpe, gp and cmaes and Optuna's random, tpe (defaults and multivariate) and
                                  cmaes on the six problems of issue 7, 100 trials per run, SEEDS runs each (default 20):
                                  median best value and regret after 25, 50, 100 trials, and the targets
      suggestion-cost [REPEATS]   ms of one suggestion with 100 and 1,000 finished trials: our tpe, gp, cmaes beside
                                  Optuna's tpe (in-memory storage); median of REPEATS calls (default 20)
      tpe-quality FIRST-LAST [option=value ...]
                                  our tpe alone on the six problems, seeds FIRST to LAST one run at a time, with options
                                  set as in a spec (n_ei_candidates=64 gamma=0.15 ...): median regret after 25, 50, 100
                                  trials; for trying a default on other seeds than the tables' (no Optuna, no header)
    bench/run-search-bench.sh runs both, as docs/benchmarks.md reports them.
    """;

try
{
    switch (args)
    {
        case ["sampler-quality", .. var rest] when rest.Length <= 1:
            Header();
            SamplerQuality.Run(Count(rest, 20), BenchmarkProblems.All, Console.Out);
            return 0;
        case ["suggestion-cost", .. var rest] when rest.Length <= 1:
            Header();
            SuggestionCost.Run(Count(rest, 20), Console.Out);
            return 0;
        case ["tpe-quality", var seeds, .. var settings]:
            var range = seeds.Split('-');
            if (range.Length != 2 || Count([range[0]], 1) > Count([range[1]], 1)) throw new ArgumentException($"'{seeds}' is not a range of seeds FIRST-LAST.");
            TpeQuality.Run(Count([range[0]], 1), Count([range[1]], 1), settings, BenchmarkProblems.All, Console.Out);
            return 0;
        default:
            Console.Error.WriteLine(Usage);
            return 2;
    }
}
catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
finally
{
    Console.WriteLine();
    Console.WriteLine($"load average after: {Load()}");
}

void Header()
{
    Console.WriteLine($"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; {Environment.ProcessorCount} cores; load average before: {Load()}; " +
        $".NET {Environment.Version}; Optuna {OptunaSide.Version()}");
    Console.WriteLine();
}

static string Load() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

static int Count(string[] rest, int fallback) =>
    rest.Length == 0 ? fallback
    : int.TryParse(rest[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
    : throw new ArgumentException($"'{rest[0]}' is not a positive count.");
