using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.Domain.Statistics;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Metrics;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Statistics;

public class BootstrapTests
{
    /// <summary>Evaluates a statistic on the test part itself (every row once, in every lane).</summary>
    private static double Once(IResampledStatistic statistic, int rows)
    {
        var weights = Enumerable.Repeat(1.0, rows * ResampleBlock.Lanes).ToArray();
        var values = new double[ResampleBlock.Lanes];
        statistic.Evaluate(weights, values);
        Assert.All(values, v => Assert.Equal(values[0], v));
        return values[0];
    }

    private static void AssertAsModels(TaskKind task, int classCount, float[] predictions, float[] targets, int targetWidth)
    {
        var names = TaskMetrics.Names(task);
        var statistics = new MetricStatistics(task, classCount, targets, targetWidth).ForMember(predictions, names);
        var expected = TaskMetrics.Evaluate(task, predictions, targets, classCount);

        Assert.Equal(names.Order(), statistics.Keys.Order());
        foreach (var name in names) Close.Relative(expected[name], Once(statistics[name], targets.Length / targetWidth), 1e-12);
    }

    [Fact]
    public void Binary_metrics_with_every_row_once_equal_the_models_metrics_with_and_without_ties()
    {
        var rng = new Rng(11);
        var labels = Enumerable.Range(0, 500).Select(_ => rng.NextDouble() < 0.3 ? 1f : 0f).ToArray();
        var continuous = labels.Select(y => (float)Math.Clamp(0.3 * y + 0.7 * rng.NextDouble(), 0, 1)).ToArray();
        var tied = continuous.Select(p => MathF.Round(p * 8) / 8).ToArray();

        AssertAsModels(TaskKind.Binary, 2, continuous, labels, 1);
        AssertAsModels(TaskKind.Binary, 2, tied, labels, 1);
    }

    [Fact]
    public void Multiclass_and_regression_metrics_with_every_row_once_equal_the_models_metrics()
    {
        var rng = new Rng(12);
        var classes = Enumerable.Range(0, 300).Select(_ => (float)rng.NextInt(4)).ToArray();
        var probabilities = classes.SelectMany(y =>
        {
            var row = Enumerable.Range(0, 4).Select(c => (float)(rng.NextDouble() + (c == y ? 0.8 : 0))).ToArray();
            var sum = row.Sum();
            return row.Select(p => p / sum);
        }).ToArray();
        AssertAsModels(TaskKind.Multiclass, 4, probabilities, classes, 1);

        var targets = Enumerable.Range(0, 600).Select(i => (float)(1000 + (i % 2 == 0 ? 10 : 1) * rng.NextGaussian())).ToArray();
        var predicted = targets.Select(t => (float)(t + rng.NextGaussian())).ToArray();
        AssertAsModels(TaskKind.Regression, 0, predicted, targets, 2);
    }

    /// <summary>Reports the total weight of each resample.</summary>
    private sealed class TotalWeight(int rows) : IResampledStatistic
    {
        public void Evaluate(ReadOnlySpan<double> weights, Span<double> values)
        {
            for (var lane = 0; lane < ResampleBlock.Lanes; lane++)
            {
                double total = 0;
                for (var row = 0; row < rows; row++)
                {
                    var w = weights[row * ResampleBlock.Lanes + lane];
                    Assert.Equal(Math.Floor(w), w);
                    total += w;
                }
                values[lane] = total;
            }
        }
    }

    [Fact]
    public void Each_resample_draws_as_many_rows_as_the_test_part_with_replacement()
    {
        var samples = new RowBootstrap(37, new BootstrapOptions(Resamples: 21)).Run([new TotalWeight(37)]);

        Assert.Equal(Enumerable.Repeat(37.0, 21), samples[0]);
    }

    [Fact]
    public void A_resample_depends_on_its_seed_and_index_only_not_on_how_many_are_drawn()
    {
        var values = Enumerable.Range(0, 50).Select(i => (double)(i * i % 17)).ToArray();
        double[] Run(int resamples, ulong seed) =>
            new RowBootstrap(values.Length, new BootstrapOptions(resamples, seed)).Run([new ResampledMean(values)])[0];

        var many = Run(20, 5);

        Assert.Equal(many[..3], Run(3, 5));
        Assert.Equal(many, Run(20, 5));
        Assert.NotEqual(many, Run(20, 6));
        Assert.True(many.Distinct().Count() > 15, "resamples differ from each other");
    }

    [Fact]
    public void The_interval_of_a_difference_is_paired_row_by_row()
    {
        var rng = new Rng(3);
        var a = Enumerable.Range(0, 200).Select(_ => rng.NextDouble()).ToArray();
        var shifted = a.Select(v => v + 0.1).ToArray();
        var samples = new RowBootstrap(a.Length, BootstrapOptions.Default).Run([new ResampledMean(a), new ResampledMean(shifted)]);

        var alone = ConfidenceInterval.Percentile(samples[0], 0.95)!;
        var difference = ConfidenceInterval.Percentile(samples[0].Zip(samples[1], (x, y) => x - y).ToArray(), 0.95)!;

        Assert.True(alone.Upper - alone.Lower > 0.05, $"each mean alone varies: {alone}");
        Assert.Equal(-0.1, difference.Lower, 1e-12);
        Assert.Equal(-0.1, difference.Upper, 1e-12);
    }

    [Fact]
    public void An_interval_is_null_when_a_resample_leaves_the_statistic_undefined()
    {
        // One positive among four rows: about a third of the resamples miss it, and their AUC is undefined.
        float[] labels = [1, 0, 0, 0];
        var auc = new ResampledRocAuc(ScoreOrder.Of([0.9f, 0.2f, 0.4f, 0.1f], labels));

        var samples = new RowBootstrap(4, new BootstrapOptions(Resamples: 50)).Run([auc])[0];

        Assert.Contains(samples, double.IsNaN);
        Assert.Null(ConfidenceInterval.Percentile(samples, 0.95));
        Assert.NotNull(ConfidenceInterval.Percentile(samples.Where(s => !double.IsNaN(s)).ToArray(), 0.95));
    }

    /// <summary>
    /// Coverage on simulated data with known true values: 200 test parts of 300 rows, each row a positive with
    /// probability 0.3 scored N(1, 1) (negatives N(0, 1)), so the true ROC AUC is Φ(1/√2) = 0.7602; and each row right with
    /// probability 0.8, so the true accuracy is 0.8. The 95 % percentile intervals (1,000 resamples each) must cover the
    /// truth in 90 %–99 % of the test parts: ±3 binomial standard deviations (1.5 %) around 95 %, with room for the
    /// percentile bootstrap's known slight under-coverage at this size. Seeded, so the outcome is fixed; about 2 s.
    /// </summary>
    [Fact]
    public void Ninety_five_percent_intervals_cover_the_true_auc_and_accuracy_about_95_percent_of_the_time()
    {
        const int repetitions = 200, rows = 300;
        var trueAuc = 0.5 * Distributions.Erfc(-0.5); // Φ(1/√2) = ½·erfc(−½)
        int aucCovered = 0, accuracyCovered = 0;
        for (var repetition = 0; repetition < repetitions; repetition++)
        {
            var rng = new Rng(Rng.Derive(2026, (ulong)repetition));
            var labels = new float[rows];
            var scores = new float[rows];
            var right = new double[rows];
            for (var i = 0; i < rows; i++)
            {
                labels[i] = rng.NextDouble() < 0.3 ? 1f : 0f;
                scores[i] = (float)(labels[i] + rng.NextGaussian());
                right[i] = rng.NextDouble() < 0.8 ? 1 : 0;
            }
            var samples = new RowBootstrap(rows, new BootstrapOptions(Seed: (ulong)repetition))
                .Run([new ResampledRocAuc(ScoreOrder.Of(scores, labels)), new ResampledMean(right)]);
            var auc = ConfidenceInterval.Percentile(samples[0], 0.95)!;
            var accuracy = ConfidenceInterval.Percentile(samples[1], 0.95)!;
            if (auc.Lower <= trueAuc && trueAuc <= auc.Upper) aucCovered++;
            if (accuracy.Lower <= 0.8 && 0.8 <= accuracy.Upper) accuracyCovered++;
        }

        Assert.InRange((double)aucCovered / repetitions, 0.90, 0.99);
        Assert.InRange((double)accuracyCovered / repetitions, 0.90, 0.99);
    }
}
