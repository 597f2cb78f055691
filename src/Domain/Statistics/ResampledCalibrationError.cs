using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EnsembleFarm.Models.Metrics;

namespace EnsembleFarm.Domain.Statistics;

/// <summary>
/// The expected calibration error of BinaryMetrics with row weights. Σ_b (n_b / n)·|mean p_b − positive share_b| equals
/// Σ_b |Σ_{i∈b} wᵢ(pᵢ − yᵢ)| / Σ wᵢ, so each row is prepared as its bin and its residual p − y.
/// </summary>
internal sealed class ResampledCalibrationError : IResampledStatistic
{
    private const int Bins = BinaryMetrics.CalibrationBins;

    private readonly byte[] _bins;
    private readonly double[] _residuals;

    /// <param name="probabilities">P(y = 1) per row, in [0, 1].</param>
    /// <param name="labels">0/1 per row.</param>
    public ResampledCalibrationError(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels)
    {
        _bins = new byte[probabilities.Length];
        _residuals = new double[probabilities.Length];
        for (var i = 0; i < probabilities.Length; i++)
        {
            var p = probabilities[i];
            // The binning of BinaryMetrics.ExpectedCalibrationError, in the same float arithmetic.
            _bins[i] = (byte)Math.Min((int)(p * Bins), Bins - 1);
            _residuals[i] = (double)p - labels[i];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Evaluate(ReadOnlySpan<double> weights, Span<double> values)
    {
        ResampleBlock.Check(weights, values, _bins.Length);
        Span<Vector512<double>> sums = stackalloc Vector512<double>[Bins];
        sums.Clear();
        var total = Vector512<double>.Zero;
        for (var i = 0; i < _bins.Length; i++)
        {
            var w = ResampleBlock.Row(weights, i);
            ref var bin = ref sums[_bins[i]];
            bin = Vector512.FusedMultiplyAdd(w, Vector512.Create(_residuals[i]), bin);
            total += w;
        }
        var ece = Vector512<double>.Zero;
        foreach (var sum in sums) ece += Vector512.Abs(sum);
        ResampleBlock.Store(ece / total, values);
    }
}
