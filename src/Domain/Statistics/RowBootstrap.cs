using EnsembleFarm.Models;

namespace EnsembleFarm.Domain.Statistics;

/// <summary>
/// The nonparametric bootstrap over test rows: each resample draws as many rows as the test part has, uniformly with
/// replacement, and every statistic is evaluated on it, so all statistics see the same resamples (their differences are
/// paired). Resample b draws from its own stream, <c>Rng.Derive(seed, b)</c>, so the results do not depend on how the
/// resamples are spread over threads. Resamples are evaluated in blocks of <see cref="ResampleBlock.Lanes"/>.
/// </summary>
internal sealed class RowBootstrap(int rows, BootstrapOptions options)
{
    /// <summary>Each statistic on each resample: <c>samples[s][b]</c>.</summary>
    public double[][] Run(IReadOnlyList<IResampledStatistic> statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var samples = statistics.Select(_ => new double[options.Resamples]).ToArray();
        var lanes = ResampleBlock.Lanes;
        var blocks = (options.Resamples + lanes - 1) / lanes;
        Parallel.For(0, blocks, () => (Weights: new double[rows * lanes], Values: new double[lanes]), (block, _, buffers) =>
        {
            var first = block * lanes;
            Draw(first, buffers.Weights);
            for (var s = 0; s < statistics.Count; s++)
            {
                statistics[s].Evaluate(buffers.Weights, buffers.Values);
                buffers.Values.AsSpan(0, Math.Min(lanes, options.Resamples - first)).CopyTo(samples[s].AsSpan(first));
            }
            return buffers;
        }, _ => { });
        return samples;
    }

    /// <summary>The row weights of resamples <paramref name="first"/> onwards, one per lane; lanes past the last resample hold the test part itself.</summary>
    private void Draw(int first, Span<double> weights)
    {
        var lanes = ResampleBlock.Lanes;
        weights.Clear();
        for (var lane = 0; lane < lanes; lane++)
        {
            var resample = first + lane;
            if (resample >= options.Resamples)
            {
                for (var row = 0; row < rows; row++) weights[row * lanes + lane] = 1;
                continue;
            }
            var rng = new Rng(Rng.Derive(options.Seed, (ulong)resample));
            // Lemire's multiply-high maps 64 random bits onto [0, rows) with a bias below rows / 2⁶⁴, and without the
            // 64-bit division of an unbiased draw, which would cost more than most statistics.
            for (var i = 0; i < rows; i++) weights[(int)Math.BigMul(rng.NextUInt64(), (ulong)rows, out _) * lanes + lane]++;
        }
    }
}
