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

    /// <summary>
    /// <see cref="Linear"/> of unsorted values, which it reorders: the two order statistics it needs are found by
    /// selection rather than a sort, in linear expected time, for the many small sets of a prediction run (a quantile of
    /// the members per row). The values must not be NaN.
    /// </summary>
    public static double LinearUnsorted(Span<double> values, double q)
    {
        if (values.IsEmpty) throw new ArgumentException("A quantile needs at least one value.", nameof(values));
        ArgumentOutOfRangeException.ThrowIfLessThan(q, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(q, 1.0);
        var position = (values.Length - 1) * q;
        var below = (int)Math.Floor(position);
        Select(values, below);
        if (below == values.Length - 1) return values[below];
        // Everything after the k-th smallest is at least as large: the next order statistic is their minimum.
        var next = values[below + 1];
        foreach (var value in values[(below + 2)..]) next = Math.Min(next, value);
        var fraction = position - below;
        return values[below] + fraction * (next - values[below]);
    }

    /// <summary>
    /// Moves the k-th smallest value to index k, smaller or equal ones before it, larger or equal ones after (Hoare's
    /// selection with median-of-three pivots, which also keep both scans inside the range).
    /// </summary>
    private static void Select(Span<double> values, int k)
    {
        int low = 0, high = values.Length - 1;
        while (low < high)
        {
            var middle = low + (high - low) / 2;
            if (values[middle] < values[low]) (values[low], values[middle]) = (values[middle], values[low]);
            if (values[high] < values[low]) (values[low], values[high]) = (values[high], values[low]);
            if (values[high] < values[middle]) (values[middle], values[high]) = (values[high], values[middle]);
            var pivot = values[middle];
            int i = low, j = high;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (pivot < values[j]) j--;
                if (i > j) break;
                (values[i], values[j]) = (values[j], values[i]);
                i++;
                j--;
            }
            // values[low..j] ≤ pivot ≤ values[i..high]; anything strictly between j and i equals the pivot.
            if (k <= j) high = j;
            else if (k >= i) low = i;
            else return;
        }
    }
}
