using EnsembleFarm.Domain.Search;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Search;

/// <summary>
/// TPE's density against Optuna's <c>_ParzenEstimator</c> (prior weight 1, magic clip on, endpoints off, default weights) on
/// the same observations in [0, 1]³, so that a change to the bandwidths, the clip, the prior or the truncation shows up as a
/// number. The expected values were computed once with Debian's python3-optuna 3.1.0 (<c>_ParzenEstimator(...).log_pdf</c>
/// on <c>FloatDistribution(0, 1)</c> columns) with optuna#5110 applied: Optuna 3.1's truncated-normal <c>logpdf</c> leaves
/// out the −log σ of each kernel (optuna#5109, fixed in 3.5), so 3.1 itself gives −1.938, −1.808, −1.929 (multivariate)
/// and −1.569, −1.131, −1.362 (univariate) here, not a density.
/// </summary>
public class ParzenEstimatorTests
{
    private static readonly double[][] Observations =
    [
        [0.12, 0.80, 0.45], [0.30, 0.05, 0.95], [0.55, 0.62, 0.10], [0.71, 0.33, 0.58], [0.93, 0.99, 0.27], [0.40, 0.18, 0.83],
    ];

    // On a bound, near an observation, and in a corner.
    private static readonly double[][] Points = [[0.0, 0.5, 0.5], [0.3, 0.1, 0.9], [0.97, 1.0, 0.2]];

    private static ParzenEstimator Estimator(int columns, TpeBandwidth bandwidth) => new(
        [.. Enumerable.Range(0, columns).SelectMany(j => Observations.Select(o => o[j]))], Enumerable.Repeat(1.0, Observations.Length).ToArray(),
        new int[columns], 1.0, bandwidth);

    /// <summary>
    /// Optuna 3.1's _ParzenEstimator (#5110 patched in) on the same observations: Scott-like widths over three columns
    /// (multivariate=True), gap widths on one column, and TPE's default, joint kernels over three columns each with its own
    /// gap-rule width (Optuna scores several parameters jointly either way and, with multivariate=False, takes those widths).
    /// </summary>
    public static TheoryData<int, TpeBandwidth, double[]> OptunaDensities => new()
    {
        { 3, TpeBandwidth.Scott, [-0.6568937062829101, 2.0762163617303244, 1.8539759173589156] },
        { 1, TpeBandwidth.Gaps, [-0.5820593368087981, 0.20640524032520413, -0.36370270347646005] },
        { 3, TpeBandwidth.Gaps, [-0.4116625507414677, 2.13909577072615, 1.3201549405775408] },
    };

    [Theory]
    [MemberData(nameof(OptunaDensities))]
    public void Log_density_is_Optunas(int columns, TpeBandwidth bandwidth, double[] expected)
    {
        using var estimator = Estimator(columns, bandwidth);

        for (var i = 0; i < Points.Length; i++) Assert.Equal(expected[i], estimator.LogPdf(Points[i][..columns]), 1e-12);
    }

    [Fact]
    public void Gap_bandwidths_from_orders_given_are_those_it_sorts_itself()
    {
        // As TPE passes the orders it reads off its kept columns; here with ties, one of them with the prior's 0.5.
        double[] values = [0.3, 0.5, 0.3, 0.9, 0.5, 0.1, 0.3, 0.72, 0.0, 0.72, 0.5, 0.05];
        var observations = values.Concat(values.Reverse()).ToArray();
        var weights = Enumerable.Repeat(1.0, values.Length).ToArray();
        var n = values.Length;
        var orders = new int[2 * (n + 1)];
        for (var j = 0; j < 2; j++)
            StableOrder.Sort([.. observations.AsSpan(j * n, n), 0.5], orders.AsSpan(j * (n + 1), n + 1));
        using var sorted = new ParzenEstimator(observations, weights, [0, 0], 1.0, TpeBandwidth.Gaps);
        using var given = new ParzenEstimator(observations, weights, [0, 0], 1.0, TpeBandwidth.Gaps, orders);

        foreach (var x in new[] { new[] { 0.3, 0.5 }, [0.0, 1.0], [0.51, 0.72] })
            Assert.Equal(BitConverter.DoubleToInt64Bits(sorted.LogPdf(x)), BitConverter.DoubleToInt64Bits(given.LogPdf(x)));
    }

    [Fact]
    public void Density_integrates_to_one()
    {
        using var estimator = Estimator(1, TpeBandwidth.Gaps);

        const int steps = 20_000;
        var integral = Enumerable.Range(0, steps + 1)
            .Sum(k => (k is 0 or steps ? 0.5 : 1.0) * Math.Exp(estimator.LogPdf([(double)k / steps])) / steps);

        Assert.Equal(1.0, integral, 1e-6);
    }

    [Fact]
    public void A_categorical_column_is_a_distribution_over_its_choices_that_favours_the_observed_ones()
    {
        // A categorical column (choice 1 never observed) and a numeric one, given column after column; the mass of a
        // choice is the density integrated over the numeric column.
        double[] choice = [0, 2, 2, 3, 0, 2];
        using var estimator = new ParzenEstimator(
            [.. choice, .. Observations.Select(o => o[0])], Enumerable.Repeat(1.0, choice.Length).ToArray(), [4, 0], 1.0, TpeBandwidth.Scott);

        var mass = Enumerable.Range(0, 4).Select(k => Enumerable.Range(0, 2001).Sum(i => (i is 0 or 2000 ? 0.5 : 1.0) * Math.Exp(estimator.LogPdf([k, i / 2000.0])) / 2000)).ToArray();

        Assert.Equal(1.0, mass.Sum(), 1e-6);
        Assert.True(mass[2] > mass[0] && mass[0] > mass[3] && mass[3] > mass[1], string.Join(", ", mass));
    }
}
