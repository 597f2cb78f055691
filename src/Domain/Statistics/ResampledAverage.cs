namespace EnsembleFarm.Domain.Statistics;

/// <summary>The mean of several statistics on the same resample: a metric averaged over the ensemble's members.</summary>
internal sealed class ResampledAverage : IResampledStatistic
{
    private readonly IResampledStatistic[] _parts;

    private ResampledAverage(IResampledStatistic[] parts) => _parts = parts;

    /// <summary>The average of <paramref name="parts"/>; when all are means of per-row values, one such mean (one pass instead of one per part).</summary>
    public static IResampledStatistic Of(IReadOnlyList<IResampledStatistic> parts)
    {
        if (parts.Count == 0) throw new ArgumentException("Average at least one statistic.", nameof(parts));
        if (parts.All(p => p is ResampledMean)) return ResampledMean.Average(parts.Cast<ResampledMean>().ToList());
        return new ResampledAverage([.. parts]);
    }

    public void Evaluate(ReadOnlySpan<double> weights, Span<double> values)
    {
        var lanes = ResampleBlock.Lanes;
        Span<double> part = stackalloc double[lanes];
        values[..lanes].Clear();
        foreach (var statistic in _parts)
        {
            statistic.Evaluate(weights, part);
            for (var lane = 0; lane < lanes; lane++) values[lane] += part[lane];
        }
        for (var lane = 0; lane < lanes; lane++) values[lane] /= _parts.Length;
    }
}
