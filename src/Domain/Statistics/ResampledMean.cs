using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EnsembleFarm.Domain.Statistics;

/// <summary>A metric that is a mean of per-row values (accuracy, log loss, Brier score, absolute error): Σ wᵢvᵢ / Σ wᵢ.</summary>
internal sealed class ResampledMean(double[] values) : IResampledStatistic
{
    public double[] Values { get; } = values;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Evaluate(ReadOnlySpan<double> weights, Span<double> values)
    {
        ResampleBlock.Check(weights, values, Values.Length);
        var sum = Vector512<double>.Zero;
        var total = Vector512<double>.Zero;
        for (var i = 0; i < Values.Length; i++)
        {
            var w = ResampleBlock.Row(weights, i);
            sum = Vector512.FusedMultiplyAdd(w, Vector512.Create(Values[i]), sum);
            total += w;
        }
        ResampleBlock.Store(sum / total, values);
    }

    /// <summary>The mean over several predictors of their means on the same rows is one mean of the rows' averaged values.</summary>
    public static ResampledMean Average(IReadOnlyList<ResampledMean> means)
    {
        var values = new double[means[0].Values.Length];
        foreach (var mean in means)
            for (var i = 0; i < values.Length; i++) values[i] += mean.Values[i];
        for (var i = 0; i < values.Length; i++) values[i] /= means.Count;
        return new ResampledMean(values);
    }
}
