namespace EnsembleFarm.Domain.Statistics;

/// <summary>
/// McNemar's test of two classifiers' accuracies on the same rows: under equal accuracy, each discordant row (one right,
/// the other wrong) is equally likely to go either way. As statsmodels' <c>mcnemar</c>: with b + c below
/// <see cref="ExactBelow"/> the exact two-sided binomial test, p = min(1, 2·P(Bin(b + c, ½) ≤ min(b, c)))
/// (<c>exact=True</c>); otherwise χ² = (|b − c| − 1)² / (b + c) with one degree of freedom (<c>exact=False, correction=True</c>).
/// </summary>
internal static class McNemar
{
    /// <summary>Discordant counts from which the χ² approximation is used: the usual rule of thumb (b + c ≥ 25).</summary>
    public const int ExactBelow = 25;

    /// <param name="firstOnlyCorrect">b: rows the first classifier gets right and the second wrong.</param>
    /// <param name="secondOnlyCorrect">c: rows the second gets right and the first wrong.</param>
    /// <param name="rows">All rows compared, for the accuracy difference (b − c) / rows.</param>
    public static SignificanceTest Test(string metric, int firstOnlyCorrect, int secondOnlyCorrect, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstOnlyCorrect);
        ArgumentOutOfRangeException.ThrowIfNegative(secondOnlyCorrect);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, firstOnlyCorrect + secondOnlyCorrect);
        ArgumentOutOfRangeException.ThrowIfZero(rows);
        var discordant = firstOnlyCorrect + secondOnlyCorrect;
        var difference = (double)(firstOnlyCorrect - secondOnlyCorrect) / rows;
        if (discordant < ExactBelow)
        {
            var smaller = Math.Min(firstOnlyCorrect, secondOnlyCorrect);
            var p = Math.Min(1, 2 * Distributions.FairCoinCdf(smaller, discordant));
            return new SignificanceTest(metric, SignificanceTest.McNemarExact, difference, null, smaller, p, firstOnlyCorrect, secondOnlyCorrect);
        }
        var excess = Math.Abs(firstOnlyCorrect - secondOnlyCorrect) - 1.0;
        var chiSquare = excess * excess / discordant;
        return new SignificanceTest(metric, SignificanceTest.McNemarChiSquare, difference, null, chiSquare,
            Distributions.ChiSquareOneSurvival(chiSquare), firstOnlyCorrect, secondOnlyCorrect);
    }
}
