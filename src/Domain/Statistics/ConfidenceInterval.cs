namespace EnsembleFarm.Domain.Statistics;

/// <summary>
/// A percentile bootstrap interval: the (1 − c)/2 and (1 + c)/2 quantiles of a statistic over the resamples, for the
/// confidence c of <see cref="BootstrapOptions.Confidence"/> (quantiles interpolated linearly, as numpy's default).
/// </summary>
public sealed record ConfidenceInterval(double Lower, double Upper)
{
    /// <summary>The interval of <paramref name="samples"/> (one value per resample); null when a resample left the statistic undefined.</summary>
    internal static ConfidenceInterval? Percentile(ReadOnlySpan<double> samples, double confidence)
    {
        if (samples.IsEmpty) return null;
        var sorted = samples.ToArray();
        foreach (var value in sorted)
            if (double.IsNaN(value)) return null;
        Array.Sort(sorted);
        var tail = (1 - confidence) / 2;
        return new ConfidenceInterval(Quantiles.Linear(sorted, tail), Quantiles.Linear(sorted, 1 - tail));
    }
}
