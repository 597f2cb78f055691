namespace EnsembleFarm.Domain.Aggregation;

/// <summary>One way to combine the members' test predictions into the ensemble's.</summary>
internal interface IEnsembleRule
{
    RuleInfo Info { get; }

    /// <summary>The rule's answer with the first <paramref name="size"/> members (by index) combined.</summary>
    RuleOutput Combine(MemberPredictions members, int size);
}

/// <summary>A rule's answer for every test row.</summary>
/// <param name="Scores">Row-major, <paramref name="Width"/> values per row (see <see cref="RowPrediction.Scores"/>).</param>
/// <param name="Decisions">The decided class per row (classification); null for regression.</param>
internal sealed record RuleOutput(float[] Scores, int Width, int[]? Decisions);

/// <summary>The members' test predictions, in member index order, each row-major with <see cref="Width"/> values per row.</summary>
internal sealed class MemberPredictions(IReadOnlyList<float[]> members, int rows, int width)
{
    public int Count => members.Count;
    public int Rows => rows;
    public int Width => width;

    public ReadOnlySpan<float> Of(int member, int row) => members[member].AsSpan(row * width, width);
}

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
