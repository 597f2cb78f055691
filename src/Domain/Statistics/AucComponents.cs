namespace EnsembleFarm.Domain.Statistics;

/// <summary>
/// DeLong's structural components of one scorer's ROC AUC on a test part: for each positive row (in row order) the
/// share of negatives it outscores, V10, and for each negative the share of positives that outscore it, V01; ties count
/// one half. The AUC is the mean of either. Scorers on the same rows have aligned components, which is what makes
/// their covariance, and so the test of their difference, computable (DeLong, DeLong and Clarke-Pearson, Biometrics
/// 44, 837, 1988). They are read off the rows in score order, one group of tied scores at a time: the mid-rank
/// computation of Sun and Xu (IEEE Signal Process. Lett. 21, 1389, 2014) without its three sorts.
/// </summary>
internal sealed class AucComponents
{
    private AucComponents(double[] positives, double[] negatives)
    {
        Positives = positives;
        Negatives = negatives;
    }

    /// <summary>V10 of each positive row, in row order.</summary>
    public double[] Positives { get; }

    /// <summary>V01 of each negative row, in row order.</summary>
    public double[] Negatives { get; }

    /// <summary>The scorer's ROC AUC: the mean of its positives' components.</summary>
    public double Auc => Positives.Average();

    /// <summary>The components of a scorer from its rows in score order; null when a class is missing.</summary>
    public static AucComponents? Of(ScoreOrder order)
    {
        var entries = order.Entries;
        var isPositive = new bool[entries.Length];
        foreach (var entry in entries) isPositive[entry >> ScoreOrder.RowShift] = (entry & ScoreOrder.Positive) != 0;
        var m = isPositive.Count(p => p);
        var n = entries.Length - m;
        if (m == 0 || n == 0) return null;
        // Each row's place among the rows of its class, in row order, so that scorers' components line up.
        var ordinals = new int[entries.Length];
        int positivesSeen = 0, negativesSeen = 0;
        for (var row = 0; row < ordinals.Length; row++) ordinals[row] = isPositive[row] ? positivesSeen++ : negativesSeen++;

        var v10 = new double[m];
        var v01 = new double[n];
        int positivesBelow = 0, negativesBelow = 0, start = 0;
        for (var end = 0; end < entries.Length; end++)
        {
            if ((entries[end] & ScoreOrder.LastOfTie) == 0) continue;
            int tiedPositives = 0;
            for (var k = start; k <= end; k++) tiedPositives += entries[k] & ScoreOrder.Positive;
            var tiedNegatives = end + 1 - start - tiedPositives;
            var positivesAbove = m - positivesBelow - tiedPositives;
            for (var k = start; k <= end; k++)
            {
                var row = entries[k] >> ScoreOrder.RowShift;
                if (isPositive[row]) v10[ordinals[row]] = (negativesBelow + tiedNegatives / 2.0) / n;
                else v01[ordinals[row]] = (positivesAbove + tiedPositives / 2.0) / m;
            }
            positivesBelow += tiedPositives;
            negativesBelow += tiedNegatives;
            start = end + 1;
        }
        return new AucComponents(v10, v01);
    }

    /// <summary>The components of the mean of several scorers' AUCs on the same rows: the mean of their components.</summary>
    public static AucComponents Mean(IReadOnlyList<AucComponents> scorers)
    {
        if (scorers.Count == 0) throw new ArgumentException("Average at least one scorer.", nameof(scorers));
        return new AucComponents(Average(scorers.Select(s => s.Positives).ToList()), Average(scorers.Select(s => s.Negatives).ToList()));
    }

    /// <summary>
    /// DeLong's test of AUC(first) − AUC(second): the variance of the difference is var(V10ᶠ − V10ˢ)/m + var(V01ᶠ − V01ˢ)/n
    /// (sample variances, n − 1), and z = difference / √variance. Null statistic when a class has fewer than two rows or
    /// the variance is 0.
    /// </summary>
    public static SignificanceTest Compare(string metric, AucComponents first, AucComponents second)
    {
        if (first.Positives.Length != second.Positives.Length || first.Negatives.Length != second.Negatives.Length)
            throw new ArgumentException("The two scorers were not scored on the same rows.", nameof(second));
        var difference = first.Auc - second.Auc;
        var variance = DifferenceVariance(first.Positives, second.Positives) / first.Positives.Length
            + DifferenceVariance(first.Negatives, second.Negatives) / first.Negatives.Length;
        return ZTest.Of(metric, SignificanceTest.DeLong, difference, Math.Sqrt(variance));
    }

    /// <summary>The sample variance of a − b; NaN for fewer than two values.</summary>
    private static double DifferenceVariance(double[] a, double[] b)
    {
        if (a.Length < 2) return double.NaN;
        double mean = 0;
        for (var i = 0; i < a.Length; i++) mean += a[i] - b[i];
        mean /= a.Length;
        double squares = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var deviation = a[i] - b[i] - mean;
            squares += deviation * deviation;
        }
        return squares / (a.Length - 1);
    }

    private static double[] Average(IReadOnlyList<double[]> vectors)
    {
        var mean = new double[vectors[0].Length];
        foreach (var vector in vectors)
            for (var i = 0; i < mean.Length; i++) mean[i] += vector[i];
        for (var i = 0; i < mean.Length; i++) mean[i] /= vectors.Count;
        return mean;
    }
}
