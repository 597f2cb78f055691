namespace EnsembleFarm.Domain.Statistics;

/// <summary>
/// A paired test of whether two predictors, scored on the same test rows, differ in one metric (two-sided).
/// docs/results.md explains each method and when it is used.
/// </summary>
/// <param name="Metric">The metric compared: "accuracy", "auc" or (regression) "mae".</param>
/// <param name="Method"><see cref="McNemarExact"/>, <see cref="McNemarChiSquare"/>, <see cref="DeLong"/> or <see cref="PairedZ"/>.</param>
/// <param name="Difference">First minus second, on the whole test part.</param>
/// <param name="StandardError">The difference's standard error (DeLong, paired z); null for McNemar.</param>
/// <param name="Statistic">
/// McNemar exact: the smaller discordant count; McNemar χ²: (|b − c| − 1)² / (b + c); DeLong and paired z: z.
/// Null when the standard error is 0 (the two never differ in a way the test can weigh).
/// </param>
/// <param name="PValue">Two-sided p-value; null where <paramref name="Statistic"/> is.</param>
/// <param name="FirstOnlyCorrect">McNemar: rows the first gets right and the second wrong (b); null otherwise.</param>
/// <param name="SecondOnlyCorrect">McNemar: rows the second gets right and the first wrong (c); null otherwise.</param>
public sealed record SignificanceTest(
    string Metric,
    string Method,
    double Difference,
    double? StandardError,
    double? Statistic,
    double? PValue,
    int? FirstOnlyCorrect,
    int? SecondOnlyCorrect)
{
    /// <summary>McNemar's test as a two-sided exact binomial test on the discordant rows (b + c below <see cref="McNemar.ExactBelow"/>).</summary>
    public const string McNemarExact = "mcnemar_exact";

    /// <summary>McNemar's χ² test with Edwards' continuity correction (b + c of <see cref="McNemar.ExactBelow"/> or more).</summary>
    public const string McNemarChiSquare = "mcnemar_chi2";

    /// <summary>DeLong, DeLong and Clarke-Pearson (1988): two correlated ROC AUCs, normal approximation.</summary>
    public const string DeLong = "delong";

    /// <summary>A z-test of the mean of per-row differences (the large-sample paired t-test).</summary>
    public const string PairedZ = "paired_z";
}
