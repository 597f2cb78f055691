namespace EnsembleFarm.Domain.Statistics;

/// <summary>A difference over its standard error, read against the standard normal: the last step of DeLong's test and the paired z-test.</summary>
internal static class ZTest
{
    /// <summary>
    /// z = difference / standard error with its two-sided p-value. A standard error of 0 (the two never differ in a way the
    /// test can weigh) or NaN (too few rows to estimate it) gives no statistic and no p-value.
    /// </summary>
    public static SignificanceTest Of(string metric, string method, double difference, double standardError)
    {
        if (!(standardError > 0))
            return new SignificanceTest(metric, method, difference, double.IsNaN(standardError) ? null : standardError, null, null, null, null);
        var z = difference / standardError;
        return new SignificanceTest(metric, method, difference, standardError, z, Distributions.NormalTwoSided(z), null, null);
    }
}
