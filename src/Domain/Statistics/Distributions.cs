namespace EnsembleFarm.Domain.Statistics;

/// <summary>
/// The tail probabilities the report's tests need, to about 1e-15 relative: the standard normal, the χ² distribution
/// with one degree of freedom, and the fair-coin binomial. .NET has no erfc, so it is computed here from the
/// incomplete gamma function Q(1/2, x²) (series below x² = 1.5, Lentz's continued fraction above, as in
/// Numerical Recipes §6.2).
/// </summary>
internal static class Distributions
{
    // About one unit in the last place: further series terms or continued-fraction factors no longer change the result.
    private const double Epsilon = 2.2e-16;
    private const double Tiny = 1e-300;
    private const int MaxIterations = 1000;
    private static readonly double SqrtPi = Math.Sqrt(Math.PI);

    /// <summary>P(|Z| ≥ |z|) for a standard normal Z.</summary>
    public static double NormalTwoSided(double z) => Erfc(Math.Abs(z) / Math.Sqrt(2));

    /// <summary>P(X ≥ x) for X ~ χ² with one degree of freedom, i.e. X = Z².</summary>
    public static double ChiSquareOneSurvival(double x) => x <= 0 ? 1 : Erfc(Math.Sqrt(x / 2));

    /// <summary>P(K ≤ k) for K ~ Binomial(n, 1/2), summed exactly term by term (meant for the small n of an exact test).</summary>
    public static double FairCoinCdf(int k, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (k < 0) return 0;
        if (k >= n) return 1;
        var term = Math.Pow(0.5, n);
        var sum = term;
        for (var i = 0; i < k; i++)
        {
            term = term * (n - i) / (i + 1);
            sum += term;
        }
        return Math.Min(sum, 1);
    }

    /// <summary>The complementary error function erfc(x) = 1 − erf(x).</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (x < 0) return 2 - Erfc(-x);
        var z = x * x;
        return z < 1.5 ? 1 - ErfBySeries(x, z) : ErfcByContinuedFraction(x, z);
    }

    /// <summary>erf(x) = 2/√π · x · e^(−x²) · Σₙ (2x²)ⁿ / (1·3·…·(2n+1)).</summary>
    private static double ErfBySeries(double x, double z)
    {
        double term = 1, sum = 1;
        for (var n = 1; n < MaxIterations && term > sum * Epsilon; n++)
        {
            term *= 2 * z / (2 * n + 1);
            sum += term;
        }
        return 2 / SqrtPi * x * Math.Exp(-z) * sum;
    }

    /// <summary>erfc(x) = Q(1/2, x²) = e^(−x²) · x / √π · 1/(z + 1/2 − (1·1/2)/(z + 5/2 − (2·3/2)/(z + 9/2 − …))).</summary>
    private static double ErfcByContinuedFraction(double x, double z)
    {
        const double a = 0.5;
        var b = z + 1 - a;
        var c = 1 / Tiny;
        var d = 1 / b;
        var h = d;
        for (var i = 1; i < MaxIterations; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.Abs(d) < Tiny) d = Tiny;
            c = b + an / c;
            if (Math.Abs(c) < Tiny) c = Tiny;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < Epsilon) break;
        }
        return Math.Exp(-z) * x / SqrtPi * h;
    }
}
