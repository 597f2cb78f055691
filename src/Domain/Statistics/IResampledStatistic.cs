namespace EnsembleFarm.Domain.Statistics;

/// <summary>
/// A statistic of the test part that the bootstrap recomputes on every resample of its rows. Resamples come as row
/// weights (how often each row was drawn), <see cref="ResampleBlock.Lanes"/> resamples at once, so nothing is copied and
/// one pass over the rows serves a whole block of resamples with vector arithmetic. An implementation prepares what does
/// not change between resamples (sort orders, per-row losses) once; evaluations allocate nothing and may run on several
/// threads at once.
/// </summary>
internal interface IResampledStatistic
{
    /// <summary>
    /// The statistic on each resample of a block: <paramref name="weights"/> holds, row by row, the weight of the row in
    /// each of the <see cref="ResampleBlock.Lanes"/> resamples (<c>weights[row * Lanes + lane]</c>); the value for resample
    /// <c>lane</c> goes to <c>values[lane]</c>, NaN where the statistic is undefined on it.
    /// </summary>
    void Evaluate(ReadOnlySpan<double> weights, Span<double> values);
}
