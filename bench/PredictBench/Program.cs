using System.Diagnostics;
using System.Globalization;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.Domain.Prediction;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Domain.Statistics;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Data.Synthetic;
using EnsembleFarm.Models.Training;
using EnsembleFarm.Store;

// Two measurements, one per command (docs/benchmarks.md):
//
// predict: farm predict's throughput against the plainest way to run the same networks, in one process:
//   reference: one thread, the data already in memory, batch by batch each member's TrainedModel.Predict (the same
//              forward pass on the same batches; no CSV, no combining, no output);
//   read:      the CSV parsed by CsvFeatureReader alone, batch by batch, nothing predicted;
//   predict:   EnsemblePredictor from the CSV file to an output CSV file, with one worker thread, then one per core.
//   Members have the architecture of examples/ensemble.yaml, each trained for one epoch on 2,000 rows of its own.
//
// results: EnsembleAggregator.Aggregate (the whole report of farm results) on simulated test predictions of the
//   example's size, with and without the bootstrap.
//
// Every run is timed by the wall clock and by the process's CPU time: on a shared machine the wall time depends on what
// else runs, the CPU time much less.
const string Usage = """
    usage: EnsembleFarm.PredictBench predict [ROWS [MEMBERS [SPEC]]]   (default 1000000 60 examples/ensemble.yaml)
           EnsembleFarm.PredictBench results [ROWS [MEMBERS]]          (default 13200 60: the example's test part)
    """;

try
{
    return args.FirstOrDefault() switch
    {
        "predict" when args.Length <= 4 => Predict(
            args.Length > 1 ? Count(args[1]) : 1_000_000, args.Length > 2 ? Count(args[2]) : 60, args.Length > 3 ? args[3] : "examples/ensemble.yaml"),
        "results" when args.Length <= 3 => Results(args.Length > 1 ? Count(args[1]) : 13_200, args.Length > 2 ? Count(args[2]) : 60),
        _ => Fail(Usage),
    };
}
catch (ArgumentException error)
{
    return Fail(error.Message + Environment.NewLine + Usage);
}

static int Predict(int rows, int memberCount, string specPath)
{
    var spec = SpecParser.ParseFile(specPath);
    var folder = Directory.CreateTempSubdirectory("ef-predict-bench-");
    try
    {
        var input = Path.Combine(folder.FullName, "collider.csv");
        var output = Path.Combine(folder.FullName, "predictions.csv");
        var clock = Stopwatch.StartNew();
        using (var writer = new StreamWriter(input))
            ColliderSample.Write(writer, rows, seed: 2026);
        Console.WriteLine($"data: {rows:N0} rows of the collider sample, {new FileInfo(input).Length / 1e6:F0} MB ({clock.Elapsed.TotalSeconds:F1} s to write)");

        clock.Restart();
        var members = Enumerable.Range(0, memberCount).Select(m => Train(spec, (ulong)m)).ToArray();
        Console.WriteLine($"members: {memberCount} × {string.Join('→', [members[0].InputWidth, .. spec.Model.Hidden, members[0].OutputWidth])} " +
            $"({spec.Model.Activation}) from {specPath} ({clock.Elapsed.TotalSeconds:F1} s to train)");
        var predictor = new EnsemblePredictor(members);

        // Warm-up: every path once on a small file, so that the timed runs execute optimised code.
        var warmUp = Path.Combine(folder.FullName, "warm-up.csv");
        using (var writer = new StreamWriter(warmUp))
            ColliderSample.Write(writer, 2 * EnsemblePredictor.BatchRows, seed: 1);
        Reference(members, CsvDataset.Read(warmUp, ColliderSample.CsvOptions()));
        ReadOnly(warmUp, predictor.FeatureNames);
        PredictFile(predictor, warmUp, output, 0);

        var data = CsvDataset.Read(input, ColliderSample.CsvOptions());
        var reference = Time(() => Reference(members, data));
        var read = Time(() => ReadOnly(input, predictor.FeatureNames));
        var serial = Time(() => PredictFile(predictor, input, output, 1));
        var parallel = Time(() => PredictFile(predictor, input, output, 0));
        Console.WriteLine($"output: {new FileInfo(output).Length / 1e6:F0} MB, header {File.ReadLines(output).First()}");
        Console.WriteLine(Machine());
        Console.WriteLine();
        Console.WriteLine("| run | wall s | CPU s | rows/s (wall) |");
        Console.WriteLine("|---|---:|---:|---:|");
        Row($"reference: {memberCount} × TrainedModel.Predict per batch, 1 thread, in memory", reference, rows);
        Row("read: CsvFeatureReader alone", read, rows);
        Row("predict: EnsemblePredictor, CSV to CSV, 1 worker", serial, rows);
        Row($"predict: EnsemblePredictor, CSV to CSV, {Environment.ProcessorCount} workers", parallel, rows);
        Console.WriteLine();
        Console.WriteLine($"predict ({Environment.ProcessorCount} workers) / reference, rows per wall second: {reference.Wall / parallel.Wall:F2}; " +
            $"CPU seconds, predict (1 worker) / reference: {serial.Cpu / reference.Cpu:F2}");
        return 0;
    }
    finally
    {
        folder.Delete(recursive: true);
    }
}

static int Results(int rows, int memberCount)
{
    // The example's test part: about a quarter signal; members that see the signal through their own noise.
    var rng = new Rng(2026);
    var labels = new float[rows];
    var signal = new double[rows];
    for (var i = 0; i < rows; i++)
    {
        labels[i] = rng.NextDouble() < 0.25 ? 1f : 0f;
        signal[i] = 1.5 * (2 * labels[i] - 1) + rng.NextGaussian();
    }
    var members = Enumerable.Range(0, memberCount)
        .Select(m => new TrialPredictions(m, m, [.. signal.Select(s => (float)(1 / (1 + Math.Exp(-(s + 0.5 * rng.NextGaussian())))))], 1))
        .ToArray();
    var testSet = new CampaignTestSet([.. Enumerable.Range(0, rows)], labels, 1, null);
    EnsembleReport Aggregate(int resamples) => EnsembleAggregator.Aggregate(TaskKind.Binary, 2, testSet, members, new BootstrapOptions(resamples));

    Aggregate(BootstrapOptions.DefaultResamples); // warm-up
    Console.WriteLine($"results: {rows:N0} test rows, {memberCount} members, binary; {Machine()}");
    Console.WriteLine();
    Console.WriteLine("| report | wall s | CPU s |");
    Console.WriteLine("|---|---:|---:|");
    foreach (var resamples in new[] { 0, BootstrapOptions.DefaultResamples })
    {
        for (var repetition = 0; repetition < 3; repetition++)
        {
            var time = Time(() => Aggregate(resamples));
            Console.WriteLine($"| {resamples} resamples, run {repetition + 1} | {time.Wall:F2} | {time.Cpu:F2} |");
        }
    }
    return 0;
}

static TrainedModel Train(CampaignSpec spec, ulong seed)
{
    var data = ColliderSample.Generate(2000, seed: 100 + seed);
    return Trainer.Fit(spec.Model, data, null, spec.Training with { Epochs = 1, EarlyStopping = null, Seed = seed }).Model;
}

static void Reference(TrainedModel[] members, Dataset data)
{
    var width = data.Columns;
    var predictions = new float[EnsemblePredictor.BatchRows];
    for (var start = 0; start < data.Rows; start += EnsemblePredictor.BatchRows)
    {
        var rows = Math.Min(EnsemblePredictor.BatchRows, data.Rows - start);
        foreach (var member in members) member.Predict(data.Features.AsSpan(start * width, rows * width), rows, predictions);
    }
}

static void ReadOnly(string path, IReadOnlyList<string> features)
{
    using var reader = new StreamReader(path);
    var csv = new CsvFeatureReader(reader, path, features);
    var batch = new float[EnsemblePredictor.BatchRows * features.Count];
    while (csv.ReadBatch(batch, []) > 0) { }
}

static void PredictFile(EnsemblePredictor predictor, string input, string output, int workers)
{
    using var reader = new StreamReader(input);
    using var writer = new StreamWriter(output);
    predictor.Predict(reader, input, writer, new PredictOptions(ColliderSample.IdColumn, workers));
}

static (double Wall, double Cpu) Time(Action run)
{
    var process = Process.GetCurrentProcess();
    var cpu = process.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    run();
    var wall = clock.Elapsed.TotalSeconds;
    process.Refresh();
    return (wall, (process.TotalProcessorTime - cpu).TotalSeconds);
}

static void Row(string name, (double Wall, double Cpu) time, int rows) =>
    Console.WriteLine($"| {name} | {time.Wall:F2} | {time.Cpu:F2} | {rows / time.Wall:N0} |");

static string Machine() =>
    $"cores: {Environment.ProcessorCount}, Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}, " +
    $"load average {(File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a")}";

static int Count(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
    ? value
    : throw new ArgumentException($"'{text}' is not a positive count.");

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}
