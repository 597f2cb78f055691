using EnsembleFarm.Bench;

// Usage:
//   gemm [--filter TEXT] [threads...]        GFLOP/s of Gemm on the benchmark's products beside the FMA peak
//   trainer <network> <threads> <reps>       training samples/s of Trainer.Fit, one JSON line per repetition
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: EnsembleFarm.Bench gemm [--filter TEXT] [threads...] | trainer <network> <threads> <repetitions>");
    return 2;
}
switch (args[0])
{
    case "gemm":
        var rest = args[1..].ToList();
        var filterAt = rest.IndexOf("--filter");
        var filter = filterAt >= 0 && filterAt + 1 < rest.Count ? rest[filterAt + 1] : "";
        if (filterAt >= 0) rest.RemoveRange(filterAt, Math.Min(2, rest.Count - filterAt));
        var threads = rest.Count > 0 ? rest.Select(int.Parse).ToArray() : [1, 2];
        GemmBench.Run(threads, filter, Console.Out);
        return 0;
    default:
        Console.Error.WriteLine($"unknown command '{args[0]}'");
        return 2;
}
