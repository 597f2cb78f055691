using EnsembleFarm.Bench;

const string Usage = """
    usage: EnsembleFarm.Bench <command>
      gemm [--filter TEXT] [threads...]    GFLOP/s of Gemm on the benchmark's products beside the FMA peak (default threads 1 2)
      trainer <network> <threads> <reps>   training samples/s of Trainer.Fit, one JSON line per repetition
      networks                             the benchmark networks, one line each: name widths batch rows epochs
    bench/run-trainer-vs-pytorch.sh runs all of it against PyTorch.
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
