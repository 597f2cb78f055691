namespace EnsembleFarm.Domain.Statistics;

/// <summary>
/// How the ensemble report resamples the test part for its confidence intervals: a percentile bootstrap over test
/// rows. Every statistic is recomputed on the same <see cref="Resamples"/> resamples, so the interval of a difference
/// between two of them is paired. The same options and data give the same intervals on every machine.
/// </summary>
/// <param name="Resamples">Bootstrap resamples; 0 skips the intervals (the tests, which need none, remain).</param>
/// <param name="Seed">Seeds the resamples: resample b draws its rows from the stream <c>Rng.Derive(Seed, b)</c>.</param>
/// <param name="Confidence">Coverage of each interval, e.g. 0.95 for the 2.5 % and 97.5 % percentiles.</param>
public sealed record BootstrapOptions(int Resamples = BootstrapOptions.DefaultResamples, ulong Seed = 0, double Confidence = 0.95)
{
    /// <summary>With this many, the Monte Carlo error of a 95 % interval's ends is about 2 % of its width (normal bootstrap distribution).</summary>
    public const int DefaultResamples = 1000;

    /// <summary>1,000 resamples, seed 0, 95 % intervals: what <c>farm results</c> reports.</summary>
    public static BootstrapOptions Default { get; } = new();

    /// <exception cref="ArgumentOutOfRangeException">Negative resamples, or a confidence outside (0, 1).</exception>
    public void Validate()
    {
        if (Resamples < 0) throw new ArgumentOutOfRangeException(nameof(Resamples), Resamples, "The bootstrap needs 0 or more resamples.");
        if (!(Confidence is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(Confidence), Confidence, "A confidence level lies strictly between 0 and 1.");
    }
}
