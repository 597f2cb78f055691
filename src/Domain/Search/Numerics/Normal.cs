using System.Numerics;

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

    /// <summary>Past it, e^−x rounds to 0 in doubles (below half the least subnormal, e^−745.13).</summary>
    internal const double ExpUnderflow = 746;

    public static double Pdf(double z) => Math.Exp(-0.5 * z * z - LogSqrt2Pi);

    public static double LogPdf(double z) => -0.5 * z * z - LogSqrt2Pi;

    public static double Cdf(double z) => 0.5 * Erfc(-z * InvSqrt2);

    /// <summary>
    /// Φ of every value, in place: the same numbers as <see cref="Cdf(double)"/>, a vector of them at a time. TPE needs two
    /// per kernel and column (about 20,000 with 1,000 trials in 10 dimensions), and <see cref="Erfcx(double)"/>'s chain of
    /// dependent multiply-adds is the cost: vector lanes run four chains at once. The exponential stays
    /// <see cref="Math.Exp"/>, per lane, because a vector exp rounds differently and would move TPE's suggestions.
    /// </summary>
    public static void Cdf(Span<double> values)
    {
        var lanes = Vector<double>.Count;
        Span<double> exps = stackalloc double[lanes];
        var i = 0;
        for (; i <= values.Length - lanes; i += lanes)
        {
            var x = -new Vector<double>(values[i..]) * new Vector<double>(InvSqrt2);
            var a = Vector.Abs(x);
            var underflows = 0;
            for (var k = 0; k < lanes; k++)
            {
                // Past e^−746 the exponential rounds to 0, and glibc's exp takes a slow error-reporting path to say so:
                // TPE's narrow kernels put most of their bounds there. The product with erfcx is then 0 whatever erfcx is.
                var underflow = a[k] * a[k] > ExpUnderflow;
                exps[k] = underflow ? 0 : Math.Exp(-a[k] * a[k]);
                if (underflow) underflows++;
            }
            var erfc = underflows == lanes ? Vector<double>.Zero : new Vector<double>(exps) * Erfcx(a);
            erfc = Vector.ConditionalSelect(Vector.LessThan(x, Vector<double>.Zero), new Vector<double>(2) - erfc, erfc);
            (new Vector<double>(0.5) * erfc).CopyTo(values[i..]);
        }
        for (; i < values.Length; i++) values[i] = Cdf(values[i]);
    }

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

    /// <summary>erfc(x) with its relative accuracy (one exp and <see cref="Erfcx"/>), for every x.</summary>
    public static double Erfc(double x)
    {
        if (x < 0) return 2 - Erfc(-x);
        return Math.Exp(-x * x) * Erfcx(x);
    }

    /// <summary>
    /// Chebyshev coefficients of erfcx(x)/t in u = 2t − 1, t = 2/(2 + x), which maps x ∈ [0, ∞) onto (−1, 1] and turns
    /// erfcx's slow 1/(√π x) tail into a smooth function (the form of Numerical Recipes' erfccheb). Computed for this code
    /// with mpmath at 50 digits from 80 Chebyshev nodes and cut where terms fall below 1e-18; the first is halved, as
    /// Clenshaw's sum expects. Largest relative error over 33,000 points of [0, 1000]: 5.6e-16.
    /// </summary>
    private static readonly double[] ErfcxChebyshev =
    [
        0.5770337386164697, 0.3554369212704985, 0.06509515882878653, 0.003671142395836639, -0.0011128447433526325,
        -0.0001607582991537808, 3.278031574173137e-05, 5.442441645505016e-06, -1.5154665553171482e-06,
        -1.4297608181169865e-07, 8.234608827419493e-08, -1.2962846852306563e-09, -4.154721631015199e-09,
        6.347058278362811e-10, 1.4320822712256225e-10, -6.160390105204585e-11, 2.0612138554721698e-12,
        3.5714931488477042e-12, -8.586422843251796e-13, -6.14560021379063e-14, 7.418725748596617e-14,
        -1.2895042755032325e-14, -2.358726385710632e-15, 1.5729349381685912e-15, -2.2782966239546465e-16,
        -6.31233045075643e-17, 3.5916763531814925e-17, -5.049809149847729e-18, -1.5324541113154899e-18,
        8.90334528899061e-19,
    ];

    /// <summary>
    /// The scaled complement e^(x²)·erfc(x), for x ≥ 0, by a 30-term Chebyshev sum (about 30 multiply-adds). It
    /// replaced a 120-term continued fraction whose chain of divisions made TPE's truncated-normal masses, two per
    /// component and column, most of a suggestion's time with 1,000 trials (bench/SearchBench suggestion-cost).
    /// </summary>
    public static double Erfcx(double x) => Erfcx(new Vector<double>(x))[0];

    /// <summary>
    /// <see cref="Erfcx(double)"/> of every lane. The scalar form goes through it too, so that the batch
    /// <see cref="Cdf(Span{double})"/> and the scalar <see cref="Cdf(double)"/> agree to the last bit.
    /// </summary>
    private static Vector<double> Erfcx(Vector<double> x)
    {
        var two = new Vector<double>(2);
        var t = two / (two + x);
        var u = two * t - Vector<double>.One;
        Vector<double> b1 = Vector<double>.Zero, b2 = Vector<double>.Zero;
        for (var k = ErfcxChebyshev.Length - 1; k >= 1; k--) (b1, b2) = (two * u * b1 - b2 + new Vector<double>(ErfcxChebyshev[k]), b1);
        return t * (u * b1 - b2 + new Vector<double>(ErfcxChebyshev[0]));
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
