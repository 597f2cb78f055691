using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EnsembleFarm.Domain.Statistics;

/// <summary>
/// The coefficient of determination of RegressionMetrics with row weights, every target value pooled:
/// 1 − SS_res / SS_tot, with SS_tot around the resample's weighted mean (1 for a perfect prediction of constant targets,
/// else 0). SS_tot is Σ wᵢ·s2ᵢ − (Σ wᵢ·s1ᵢ)² / (W·T) from per-row sums s1 and squares s2 of targets centred on their
/// overall mean first, which keeps the one-pass formula from cancelling digits on targets with a large offset.
/// </summary>
internal sealed class ResampledR2 : IResampledStatistic
{
    private readonly double[] _squaredErrors;
    private readonly double[] _sums;
    private readonly double[] _squares;
    private readonly int _width;

    /// <param name="squaredErrors">Per row, the sum over its targets of the squared errors.</param>
    /// <param name="targets">Rows × <paramref name="width"/> true values, row-major.</param>
    public ResampledR2(double[] squaredErrors, ReadOnlySpan<float> targets, int width)
    {
        _squaredErrors = squaredErrors;
        _width = width;
        var rows = squaredErrors.Length;
        double mean = 0;
        foreach (var y in targets) mean += y;
        mean /= targets.Length;
        _sums = new double[rows];
        _squares = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            foreach (var y in targets.Slice(i * width, width))
            {
                var centred = y - mean;
                _sums[i] += centred;
                _squares[i] += centred * centred;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Evaluate(ReadOnlySpan<double> weights, Span<double> values)
    {
        ResampleBlock.Check(weights, values, _squaredErrors.Length);
        Vector512<double> residual = default, sum = default, squares = default, total = default;
        for (var i = 0; i < _squaredErrors.Length; i++)
        {
            var w = ResampleBlock.Row(weights, i);
            residual = Vector512.FusedMultiplyAdd(w, Vector512.Create(_squaredErrors[i]), residual);
            sum = Vector512.FusedMultiplyAdd(w, Vector512.Create(_sums[i]), sum);
            squares = Vector512.FusedMultiplyAdd(w, Vector512.Create(_squares[i]), squares);
            total += w;
        }
        var spread = squares - sum * sum / (total * _width);
        var constant = Vector512.LessThanOrEqual(spread, Vector512<double>.Zero);
        var perfect = Vector512.ConditionalSelect(Vector512.Equals(residual, Vector512<double>.Zero), Vector512<double>.One, Vector512<double>.Zero);
        ResampleBlock.Store(Vector512.ConditionalSelect(constant, perfect, Vector512<double>.One - residual / spread), values);
    }
}
