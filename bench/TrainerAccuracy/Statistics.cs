namespace EnsembleFarm.TrainerAccuracy;

/// <summary>
/// The few statistics the comparison needs, in double precision. Checked against SciPy 1.10 (Debian's python3-scipy):
/// <c>scipy.stats.ttest_rel</c> and <c>wilcoxon(..., method="approx")</c> on the same differences (docs/benchmarks.md).
/// </summary>
internal static class Statistics
{
    public static double Mean(IReadOnlyList<double> values) => values.Average();

    /// <summary>Sample standard deviation (divisor n − 1).</summary>
    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        var mean = Mean(values);
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>Standard error of the mean, s / √n.</summary>
    public static double StandardError(IReadOnlyList<double> values) => StandardDeviation(values) / Math.Sqrt(values.Count);

    /// <summary>Two-sided paired t-test of mean(a − b) = 0: the t statistic and its p-value with n − 1 degrees of freedom.</summary>
    public static (double T, double P) PairedT(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var differences = a.Zip(b, (x, y) => x - y).ToArray();
        var t = Mean(differences) / StandardError(differences);
        double degrees = differences.Length - 1;
        // P(|T| > t) = I_{ν/(ν + t²)}(ν/2, 1/2) for Student's t with ν degrees of freedom.
        return (t, RegularizedIncompleteBeta(degrees / (degrees + t * t), degrees / 2, 0.5));
    }

    /// <summary>
    /// Wilcoxon's signed-rank test of the differences a − b, two-sided, by the normal approximation (zero differences
    /// dropped, tied magnitudes given their mean rank and the variance corrected for them, no continuity correction:
    /// SciPy's <c>wilcoxon(method="approx")</c>). Returns W₊ (the sum of the positive differences' ranks) and the p-value.
    /// </summary>
    public static (double WPlus, double P) WilcoxonSignedRank(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var differences = a.Zip(b, (x, y) => x - y).Where(d => d != 0).OrderBy(Math.Abs).ToArray();
        var n = differences.Length;
        var wPlus = 0.0;
        var tieCorrection = 0.0;
        for (var start = 0; start < n;)
        {
            var end = start;
            while (end + 1 < n && Math.Abs(differences[end + 1]) == Math.Abs(differences[start])) end++;
            var rank = (start + end) / 2.0 + 1;
            for (var i = start; i <= end; i++)
            {
                if (differences[i] > 0) wPlus += rank;
            }
            var tied = end - start + 1;
            tieCorrection += tied * (tied * (double)tied - 1);
            start = end + 1;
        }
        var mean = n * (n + 1) / 4.0;
        var variance = n * (n + 1) * (2.0 * n + 1) / 24 - tieCorrection / 48;
        var z = (wPlus - mean) / Math.Sqrt(variance);
        return (wPlus, Math.Min(1, 2 * NormalUpperTail(Math.Abs(z))));
    }

    /// <summary>P(Z > z) for a standard normal Z: erfc(z/√2)/2.</summary>
    public static double NormalUpperTail(double z) => 0.5 * Erfc(z / Math.Sqrt(2));

    /// <summary>erfc by its Chebyshev fit (Numerical Recipes' erfcc): relative error below 1.2e-7 everywhere.</summary>
    private static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + 0.5 * z);
        var value = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? value : 2 - value;
    }

    /// <summary>I_x(a, b), the regularised incomplete beta function, by Lentz's continued fraction (Numerical Recipes 6.4).</summary>
    private static double RegularizedIncompleteBeta(double x, double a, double b)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        var front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x));
        // The fraction converges fast for x < (a + 1)/(a + b + 2); beyond, use I_x(a, b) = 1 − I_{1−x}(b, a).
        return x < (a + 1) / (a + b + 2)
            ? front * BetaFraction(x, a, b) / a
            : 1 - front * BetaFraction(1 - x, b, a) / b;
    }

    private static double BetaFraction(double x, double a, double b)
    {
        const double tiny = 1e-300;
        var c = 1.0;
        var d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.Abs(d) < tiny ? tiny : d);
        var h = d;
        for (var m = 1; m <= 300; m++)
        {
            var m2 = 2 * m;
            var even = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 / Guard(1 + even * d);
            c = Guard(1 + even / c);
            h *= d * c;
            var odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 / Guard(1 + odd * d);
            c = Guard(1 + odd / c);
            var step = d * c;
            h *= step;
            if (Math.Abs(step - 1) < 1e-15) break;
        }
        return h;

        static double Guard(double value) => Math.Abs(value) < tiny ? tiny : value;
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7, 9 terms: about 15 significant digits).</summary>
    private static double LogGamma(double x)
    {
        ReadOnlySpan<double> coefficients =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        x -= 1;
        var sum = coefficients[0];
        for (var i = 1; i < coefficients.Length; i++) sum += coefficients[i] / (x + i);
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
