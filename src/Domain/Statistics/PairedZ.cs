namespace EnsembleFarm.Domain.Statistics;

/// <summary>
/// The paired test of a metric that is a mean over rows (accuracy, absolute error): with dᵢ the per-row difference
/// between the two predictors, z = mean(d) / (sd(d) / √n), sd with n − 1, and a two-sided normal p-value. This is
/// scipy's <c>ttest_rel</c> statistic with the normal in place of Student's t, which a test part of more than a few
/// hundred rows cannot tell apart.
/// </summary>
internal static class PairedZ
{
    public static SignificanceTest Test(string metric, ReadOnlySpan<double> differences)
    {
        var n = differences.Length;
        if (n == 0) throw new ArgumentException("A paired test needs at least one row.", nameof(differences));
        double sum = 0;
        foreach (var d in differences) sum += d;
        var mean = sum / n;
        double squares = 0;
        foreach (var d in differences) squares += (d - mean) * (d - mean);
        var standardError = n < 2 ? double.NaN : Math.Sqrt(squares / (n - 1) / n);
        return ZTest.Of(metric, SignificanceTest.PairedZ, mean, standardError);
    }
}
