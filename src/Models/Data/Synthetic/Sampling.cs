namespace EnsembleFarm.Models.Data.Synthetic;

/// <summary>The few distributions the toy physics needs, each drawn from <see cref="Rng"/> so a seed fixes everything.</summary>
internal static class Sampling
{
    public static double Exponential(Rng rng, double mean) => -mean * Math.Log(1 - rng.NextDouble());

    /// <summary>Exponential with the given decay length, restricted to [low, high] (inverse-CDF, no rejection).</summary>
    public static double TruncatedExponential(Rng rng, double decayLength, double low, double high)
    {
        var span = 1 - Math.Exp(-(high - low) / decayLength);
        return low - decayLength * Math.Log(1 - rng.NextDouble() * span);
    }

    /// <summary>Gamma(2, θ): the x·e^(−x/θ) shape of a transverse momentum spectrum that vanishes at zero; mean 2θ.</summary>
    public static double GammaShape2(Rng rng, double scale) => Exponential(rng, scale) + Exponential(rng, scale);

    public static int Poisson(Rng rng, double mean)
    {
        // Knuth's method: fine for the small means used here.
        var limit = Math.Exp(-mean);
        var count = 0;
        var product = rng.NextDouble();
        while (product > limit)
        {
            count++;
            product *= rng.NextDouble();
        }
        return count;
    }

    public static double Uniform(Rng rng, double low, double high) => low + (high - low) * rng.NextDouble();

    /// <summary>A draw from the density proportional to <paramref name="weight"/> on [low, high], by rejection under <paramref name="maxWeight"/>.</summary>
    public static double Rejection(Rng rng, Func<double, double> weight, double low, double high, double maxWeight)
    {
        while (true)
        {
            var x = Uniform(rng, low, high);
            if (rng.NextDouble() * maxWeight < weight(x)) return x;
        }
    }
}
