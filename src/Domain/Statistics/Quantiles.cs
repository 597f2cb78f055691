namespace EnsembleFarm.Domain.Statistics;

/// <summary>Quantiles of sorted samples.</summary>
internal static class Quantiles
{
    /// <summary>
    /// The <paramref name="q"/>-quantile of ascending <paramref name="sorted"/> values, interpolated linearly between
    /// the order statistics at (n − 1)·q (Hyndman and Fan's type 7, the default of numpy.quantile and R).
    /// </summary>
    public static double Linear(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.IsEmpty) throw new ArgumentException("A quantile needs at least one value.", nameof(sorted));
        ArgumentOutOfRangeException.ThrowIfLessThan(q, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(q, 1.0);
        var position = (sorted.Length - 1) * q;
        var below = (int)Math.Floor(position);
        if (below == sorted.Length - 1) return sorted[below];
        var fraction = position - below;
        return sorted[below] + fraction * (sorted[below + 1] - sorted[below]);
    }
}
