namespace EnsembleFarm.Domain.Search;

/// <summary>
/// Indices by value, ties by index: the order a stable sort gives, which TPE's gap rule needs, since tied observations
/// take different widths. A sort of (value, index) pairs took a fifth of a suggestion at 1,000 trials; a sort of the keys
/// alone is several times cheaper but unstable, so each run of equal values gets its indices back in ascending order.
/// </summary>
internal static class StableOrder
{
    /// <summary>Sorts <paramref name="keys"/> and puts into <paramref name="order"/> where each came from.</summary>
    public static void Sort(Span<double> keys, Span<int> order)
    {
        for (var i = 0; i < keys.Length; i++) order[i] = i;
        keys.Sort(order[..keys.Length]);
        BreakTies(keys, order);
    }

    /// <summary>
    /// Puts the indices of each run of equal keys in ascending order. Equal as <see cref="double.CompareTo(double)"/> says,
    /// as a sort compares them: −0 ties with 0.
    /// </summary>
    public static void BreakTies(ReadOnlySpan<double> sortedKeys, Span<int> order)
    {
        for (var start = 0; start < sortedKeys.Length;)
        {
            var end = start + 1;
            while (end < sortedKeys.Length && sortedKeys[end].CompareTo(sortedKeys[start]) == 0) end++;
            if (end - start > 1) order[start..end].Sort();
            start = end;
        }
    }
}
