using EnsembleFarm.Bench;

const string Usage = """
    usage: EnsembleFarm.Bench <command>
      gemm [--filter TEXT] [threads...]    GFLOP/s of Gemm on the benchmark's products beside the FMA peak (default threads 1 2)
      trainer <network> <threads> <reps>   training samples/s of Trainer.Fit, one JSON line per repetition
      networks                             the benchmark networks, one line each: name widths batch rows epochs
      farm-throughput [--silos 1,2,4,8] [--trials 2000] [--repeats 3] [--sampler random|tpe]
                                           no-op trials/s and dispatch latency of 1..8 silos on PostgreSQL, beside Optuna;
                                           with --sampler, a search with that sampler on both sides instead of an ensemble
      failover [--repeats 5]               SIGKILL of a silo in a 3-silo cluster → its trial training again elsewhere
      farm-overhead [SPEC] [--repeats 3]   the 60-member example through a one-silo farm vs the same trainings in this process
    bench/run-trainer-vs-pytorch.sh runs the trainer against PyTorch; bench/run-farm-bench.sh runs the farm benches.
    """;

try
{
    switch (args.FirstOrDefault())
    {
        case "gemm":
            var rest = args[1..].ToList();
            var filterAt = rest.IndexOf("--filter");
            var filter = "";
            if (filterAt >= 0)
            {
                if (filterAt + 1 >= rest.Count) throw new ArgumentException("--filter needs a value.");
                filter = rest[filterAt + 1];
                rest.RemoveRange(filterAt, 2);
            }
            GemmBench.Run(rest.Count > 0 ? rest.Select(ParseThreads).ToArray() : [1, 2], filter, Console.Out);
            return 0;
        case "trainer" when args.Length == 4:
            TrainerBench.Run(MlpShapes.Find(args[1]), ParseThreads(args[2]), ParseThreads(args[3]), Console.Out);
            return 0;
        case "farm-throughput":
        {
            var options = BenchOptions.Parse(args[1..], "--silos", "--trials", "--repeats", "--sampler");
            await FarmThroughputBench.RunAsync(options.Counts("--silos", [1, 2, 4, 8]), options.Count("--trials", 2000),
                options.Count("--repeats", 3), options.Choice("--sampler", "random", "tpe"), Console.Out, CancellationToken.None);
            return 0;
        }
        case "failover":
        {
            var options = BenchOptions.Parse(args[1..], "--repeats");
            await FailoverBench.RunAsync(options.Count("--repeats", 5), Console.Out, CancellationToken.None);
            return 0;
        }
        case "farm-overhead":
        {
            var options = BenchOptions.Parse(args[1..], "--repeats");
            var spec = options.Positional.Count switch
            {
                0 => Path.Combine(FarmBenchKit.RepositoryRoot, "examples", "ensemble.yaml"),
                1 => options.Positional[0],
                _ => throw new ArgumentException("farm-overhead takes one spec."),
            };
            await FarmOverheadBench.RunAsync(spec, options.Count("--repeats", 3), Console.Out, CancellationToken.None);
            return 0;
        }
        case "networks":
            foreach (var shape in MlpShapes.All)
                Console.WriteLine($"{shape.Name} {string.Join(',', shape.Widths)} {shape.BatchSize} {shape.Rows} {shape.Epochs}");
            return 0;
        default:
            Console.Error.WriteLine(Usage);
            return 2;
    }
}
catch (ArgumentException error)
{
    Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine(Usage);
    return 2;
}

static int ParseThreads(string text) =>
    int.TryParse(text, out var value) && value > 0 ? value : throw new ArgumentException($"'{text}' is not a positive count.");
