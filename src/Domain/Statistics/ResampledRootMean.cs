namespace EnsembleFarm.Domain.Statistics;

/// <summary>The square root of a mean of per-row values: the RMSE from per-row mean squared errors.</summary>
internal sealed class ResampledRootMean(double[] values) : IResampledStatistic
{
    private readonly ResampledMean _mean = new(values);

    public void Evaluate(ReadOnlySpan<double> weights, Span<double> values)
    {
        _mean.Evaluate(weights, values);
        for (var lane = 0; lane < ResampleBlock.Lanes; lane++) values[lane] = Math.Sqrt(values[lane]);
    }
}
