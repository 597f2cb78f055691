using System.Diagnostics;
using System.Globalization;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Nn;
using EnsembleFarm.Models.Training;

namespace EnsembleFarm.Bench;

/// <summary>
/// Training samples per second of <see cref="Trainer.Fit"/>: ReLU network, Adam (lr 1e-3), cross-entropy (binary
/// for one output, softmax otherwise), on synthetic data made by the recipe bench/pytorch_mlp.py follows too:
/// features uniform in [-1, 1), labels uniform over the classes. Fits repeated for <see cref="WarmUp"/> come first:
/// one epoch left Adam and the element-wise loops in tier-0 code and the first timed fits 2× slow.
/// </summary>
internal static class TrainerBench
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1.5);

    public static void Run(MlpShape shape, int threads, int repetitions, TextWriter output)
    {
        var data = SyntheticData(shape, seed: 7);
        var network = new NetworkSpec(shape.Widths.Skip(1).SkipLast(1).ToArray());
        var options = new TrainingOptions
        {
            Epochs = shape.Epochs,
            BatchSize = shape.BatchSize,
            Optimizer = new OptimizerSpec(OptimizerKind.Adam, LearningRate: 1e-3f),
            Threads = threads,
            Seed = 1,
        };
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed < WarmUp) Trainer.Fit(network, data, validation: null, options with { Epochs = 1 });
        for (var repetition = 0; repetition < repetitions; repetition++)
        {
            var watch = Stopwatch.StartNew();
            var run = Trainer.Fit(network, data, validation: null, options);
            var seconds = watch.Elapsed.TotalSeconds;
            var samplesPerSecond = (double)shape.Rows * run.Result.EpochsRun / seconds;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $$"""{"side": "efarm", "network": "{{shape.Name}}", "batch": {{shape.BatchSize}}, "threads": {{threads}}, "samples_per_s": {{samplesPerSecond:F1}}, "seconds": {{seconds:F4}}, "final_loss": {{run.Result.History[^1].Metrics["train_loss"]:F5}}}"""));
        }
    }

    private static Dataset SyntheticData(MlpShape shape, ulong seed)
    {
        var rng = new Rng(seed);
        var columns = shape.Widths[0];
        var features = new float[shape.Rows * columns];
        for (var i = 0; i < features.Length; i++) features[i] = 2f * rng.NextSingle() - 1f;
        var targets = new float[shape.Rows];
        for (var i = 0; i < targets.Length; i++) targets[i] = rng.NextInt(shape.Classes);
        var task = shape.Classes == 2 ? TaskKind.Binary : TaskKind.Multiclass;
        return new Dataset([.. Enumerable.Range(0, columns).Select(c => $"x{c}")], features, ["y"], targets, task, shape.Classes);
    }
}
