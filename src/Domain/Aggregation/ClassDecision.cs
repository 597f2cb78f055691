namespace EnsembleFarm.Domain.Aggregation;

/// <summary>The decisions the classification rules share, so that the vote's tie rule is exactly the average's decision.</summary>
internal static class ClassDecision
{
    /// <summary>Binary: P(y = 1) strictly above one half decides 1 (the metrics' threshold rule).</summary>
    public static int FromProbability(double probability) => probability > 0.5 ? 1 : 0;

    /// <summary>The class with the largest value, the lowest index on ties (as MulticlassMetrics.ArgMax).</summary>
    public static int ArgMax(ReadOnlySpan<double> values)
    {
        var best = 0;
        for (var c = 1; c < values.Length; c++)
        {
            if (values[c] > values[best]) best = c;
        }
        return best;
    }
}
