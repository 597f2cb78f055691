namespace EnsembleFarm.Domain.Aggregation;

/// <summary>
/// How far the members' own predictions for one row spread, per output value (P(y = 1) for binary, each class's
/// probability for multi-class, each target for regression): the sample standard deviation (n − 1; 0 for a single
/// member) and, except for multi-class, the 16 % and 84 % quantiles (linear interpolation between order statistics,
/// numpy's default), which bracket the middle 68 % as ±1σ would for a normal spread.
/// </summary>
/// <param name="Std">One standard deviation per output value.</param>
/// <param name="Q16">The 16 % quantile per output value; null for multi-class.</param>
/// <param name="Q84">The 84 % quantile per output value; null for multi-class.</param>
public sealed record MemberSpread(float[] Std, float[]? Q16, float[]? Q84)
{
    /// <summary>The level of <see cref="Q16"/>.</summary>
    public const double LowQuantile = 0.16;

    /// <summary>The level of <see cref="Q84"/>.</summary>
    public const double HighQuantile = 0.84;
}
