using System.Diagnostics;
using System.Globalization;
using EnsembleFarm.Domain.Prediction;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Data.Synthetic;
using EnsembleFarm.Models.Training;

// farm predict's throughput against the plainest way to run the same networks, in one process:
//   reference: one thread, the data already in memory, each member's TrainedModel.Predict over all rows in turn
//              (the same forward pass, no CSV, no combining, no output);
//   read:      the CSV parsed by CsvFeatureReader alone, batch by batch, nothing predicted;
//   predict:   EnsemblePredictor from the CSV file to an output CSV file, with one worker thread, then one per core.
// Each run is timed by the wall clock and by the process's CPU time: on a shared machine the wall time depends on what
// else runs, the CPU time much less.
// Members have the architecture of examples/ensemble.yaml, each trained for one epoch on 2,000 rows of its own.
const string Usage = "usage: EnsembleFarm.PredictBench [ROWS [MEMBERS [SPEC]]]   (default 1000000 60 examples/ensemble.yaml)";

var rows = args.Length > 0 ? Count(args[0]) : 1_000_000;
var memberCount = args.Length > 1 ? Count(args[1]) : 60;
var specPath = args.Length > 2 ? args[2] : "examples/ensemble.yaml";
if (args.Length > 3) return Fail(Usage);

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
    Predict(predictor, warmUp, output, 0);

    var data = CsvDataset.Read(input, ColliderSample.CsvOptions());
    var reference = Time(() => Reference(members, data));
    var read = Time(() => ReadOnly(input, predictor.FeatureNames));
    var serial = Time(() => Predict(predictor, input, output, 1));
    var predict = Time(() => Predict(predictor, input, output, 0));
    Console.WriteLine($"output: {new FileInfo(output).Length / 1e6:F0} MB, header {File.ReadLines(output).First()}");
    Console.WriteLine($"cores: {Environment.ProcessorCount}, Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}, load average {LoadAverage()}");
    Console.WriteLine();
    Console.WriteLine("| run | wall s | CPU s | rows/s (wall) |");
    Console.WriteLine("|---|---:|---:|---:|");
    Console.WriteLine($"| reference: {memberCount} × TrainedModel.Predict, 1 thread, in memory | {reference.Wall:F2} | {reference.Cpu:F2} | {rows / reference.Wall:N0} |");
    Console.WriteLine($"| read: CsvFeatureReader alone | {read.Wall:F2} | {read.Cpu:F2} | {rows / read.Wall:N0} |");
    Console.WriteLine($"| predict: EnsemblePredictor, CSV to CSV, 1 worker | {serial.Wall:F2} | {serial.Cpu:F2} | {rows / serial.Wall:N0} |");
    Console.WriteLine($"| predict: EnsemblePredictor, CSV to CSV, {Environment.ProcessorCount} workers | {predict.Wall:F2} | {predict.Cpu:F2} | {rows / predict.Wall:N0} |");
    Console.WriteLine();
    Console.WriteLine($"predict ({Environment.ProcessorCount} workers) / reference, rows per wall second: {reference.Wall / predict.Wall:F2}; " +
        $"CPU seconds per row: {predict.Cpu / reference.Cpu:F2}");
    return 0;
}
finally
{
    folder.Delete(recursive: true);
}

static TrainedModel Train(CampaignSpec spec, ulong seed)
{
    var data = ColliderSample.Generate(2000, seed: 100 + seed);
    return Trainer.Fit(spec.Model, data, null, spec.Training with { Epochs = 1, EarlyStopping = null, Seed = seed }).Model;
}

static void Reference(TrainedModel[] members, Dataset data)
{
    foreach (var member in members) member.Predict(data.Features, data.Rows);
}

static void ReadOnly(string path, IReadOnlyList<string> features)
{
    using var reader = new StreamReader(path);
    var csv = new CsvFeatureReader(reader, path, features);
    var batch = new float[EnsemblePredictor.BatchRows * features.Count];
    while (csv.ReadBatch(batch, []) > 0) { }
}

static void Predict(EnsemblePredictor predictor, string input, string output, int workers)
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

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

static int Count(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
    ? value
    : throw new ArgumentException($"'{text}' is not a positive count. {Usage}");

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}
