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

    /// <summary>
    /// Φ(x), the standard normal distribution function, from Abramowitz and Stegun's erf 7.1.26 (absolute error below
    /// 1.5e-7): enough to integrate a spectral line over a wavelength bin.
    /// </summary>
    public static double NormalCdf(double x)
    {
        var z = Math.Abs(x) / Math.Sqrt(2);
        var t = 1 / (1 + 0.3275911 * z);
        var erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.Exp(-z * z);
        return 0.5 * (1 + Math.Sign(x) * erf);
    }

    /// <summary>A draw whose logarithm is uniform on [log low, log high]: a scale known only to within a factor.</summary>
    public static double LogUniform(Rng rng, double low, double high) => Math.Exp(Uniform(rng, Math.Log(low), Math.Log(high)));
}
