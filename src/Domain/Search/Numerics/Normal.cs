namespace EnsembleFarm.Domain.Search;

/// <summary>
/// The standard normal distribution and the error function, written out because .NET has no erf and the
/// samplers need them accurately in the tails: the truncated normals of TPE, and log expected improvement,
/// which must rank candidates whose improvement is astronomically unlikely (Ament et al. 2023).
/// </summary>
internal static class Normal
{
    private const double InvSqrt2 = 0.70710678118654752440;
    private const double InvSqrtPi = 0.56418958354775628695;
    private const double LogSqrt2Pi = 0.91893853320467274178;
    private const double SqrtHalfPi = 1.25331413731550025121;

    public static double Pdf(double z) => Math.Exp(-0.5 * z * z - LogSqrt2Pi);

    public static double LogPdf(double z) => -0.5 * z * z - LogSqrt2Pi;

    public static double Cdf(double z) => 0.5 * Erfc(-z * InvSqrt2);

    /// <summary>log Φ(z), accurate far into the lower tail (no underflow to log 0).</summary>
    public static double LogCdf(double z)
    {
        if (z > -5) return Math.Log(Cdf(z));
        var x = -z * InvSqrt2;
        return Math.Log(0.5 * Erfcx(x)) - x * x;
    }

    /// <summary>erf(x): the series 2/√π·e^(−x²)·Σ (2x²)ⁿ x / (1·3·…·(2n+1)) (all terms positive) near 0, 1 − erfc beyond.</summary>
    public static double Erf(double x)
    {
        if (x < 0) return -Erf(-x);
        if (x >= 2.5) return 1 - Erfc(x);
        var term = x;
        var sum = x;
        var twoX2 = 2 * x * x;
        for (var n = 1; n < 200 && term > 1e-17 * sum; n++)
        {
            term *= twoX2 / (2 * n + 1);
            sum += term;
        }
        return 2 * InvSqrtPi * Math.Exp(-x * x) * sum;
    }

    public static double Erfc(double x)
    {
        if (x < 0) return 2 - Erfc(-x);
        return x < 2.5 ? 1 - Erf(x) : Math.Exp(-x * x) * Erfcx(x);
    }

    /// <summary>The scaled complement e^(x²)·erfc(x), for x ≥ 0; a continued fraction from 2.5 on.</summary>
    public static double Erfcx(double x)
    {
        if (x < 2.5) return Math.Exp(x * x) * (1 - Erf(x));
        // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated from the tail.
        var f = x;
        for (var k = 120; k >= 1; k--) f = x + k * 0.5 / f;
        return InvSqrtPi / f;
    }

    /// <summary>
    /// log h(z) with h(z) = φ(z) + z·Φ(z): expected improvement is σ·h((best − μ)/σ). For z ≪ 0 it is
    /// computed as log φ(z) + log(1 − |z|·√(π/2)·erfcx(|z|/√2)), and from |z| = 40 on by its asymptotic
    /// series, so that it stays finite and ordered where EI itself underflows to 0.
    /// </summary>
    public static double LogH(double z)
    {
        if (z > -1) return Math.Log(Pdf(z) + z * Cdf(z));
        var a = -z;
        if (a < 40) return LogPdf(z) + Math.Log(1 - a * SqrtHalfPi * Erfcx(a * InvSqrt2));
        var inv2 = 1 / (a * a);
        // 1 − r = z⁻² − 3z⁻⁴ + 15z⁻⁶ − 105z⁻⁸ + …
        var series = inv2 * (1 - inv2 * (3 - inv2 * (15 - 105 * inv2)));
        return LogPdf(z) + Math.Log(series);
    }
}
