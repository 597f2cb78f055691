using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.Domain.Statistics;
using EnsembleFarm.Models;
using EnsembleFarm.Store;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Statistics;

/// <summary>
/// The tests' p-values and statistics against SciPy 1.10.1, statsmodels 0.13.5 and scikit-learn 1.2.1: every expected
/// number below is printed by tests/Domain.Tests/Statistics/references.py (run it with /usr/bin/python3). Tolerance:
/// 1e-12 relative, except where a comment says why it is looser; the C# and Python computations differ in order of
/// operations, so bit equality is not expected, but both are accurate to a few units in the last place.
/// </summary>
public class StatisticsReferenceTests
{
    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.1, 0.8875370839817152)]
    [InlineData(0.5, 0.4795001221869535)]
    [InlineData(1.0, 0.15729920705028516)]
    [InlineData(1.2, 0.08968602177036462)]
    [InlineData(1.25, 0.07709987174354177)]
    [InlineData(2.0, 0.004677734981047266)]
    [InlineData(3.0, 2.2090496998585445e-05)]
    [InlineData(5.0, 1.5374597944280347e-12)]
    [InlineData(10.0, 2.0884875837625446e-45)]
    [InlineData(26.0, 5.663192408856145e-296)]
    [InlineData(-1.5, 1.9661051464753108)]
    public void Erfc_matches_scipy_special_erfc_on_both_sides_of_the_series_boundary(double x, double expected)
    {
        // 1e-13: near x = 1.22, erfc = 1 − erf by the series loses a digit to cancellation.
        Close.Relative(expected, Distributions.Erfc(x), 1e-13);
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, 0.31731050786291415)]
    [InlineData(1.959963984540054, 0.05)]
    [InlineData(3.5, 0.00046525815807105003)]
    [InlineData(8.0, 1.244192114854348e-15)]
    public void Two_sided_normal_p_values_match_scipy(double z, double expected)
    {
        Close.Relative(expected, Distributions.NormalTwoSided(z), 1e-13);
        Close.Relative(expected, Distributions.NormalTwoSided(-z), 1e-13);
    }

    [Theory]
    [InlineData(0.1, 0.7518296340458492)]
    [InlineData(1.0, 0.31731050786291115)]
    [InlineData(3.841458820694124, 0.04999999999999989)]
    [InlineData(10.0, 0.001565402258002549)]
    [InlineData(50.0, 1.537459794428033e-12)]
    public void Chi_square_one_survival_matches_scipy(double x, double expected)
    {
        Close.Relative(expected, Distributions.ChiSquareOneSurvival(x), 1e-13);
    }

    [Theory]
    [InlineData(0, 1, 0.5)]
    [InlineData(3, 12, 0.072998046875)]
    [InlineData(7, 24, 0.03195732831954956)]
    [InlineData(12, 24, 0.5805901288986206)]
    [InlineData(0, 20, 9.5367431640625e-07)]
    public void Fair_coin_cdf_matches_scipy_binom(int k, int n, double expected)
    {
        Close.Relative(expected, Distributions.FairCoinCdf(k, n));
    }

    [Theory]
    [InlineData(0, 0, SignificanceTest.McNemarExact, 0.0, 1.0)]
    [InlineData(3, 9, SignificanceTest.McNemarExact, 3.0, 0.14599609375)]
    [InlineData(1, 0, SignificanceTest.McNemarExact, 0.0, 1.0)]
    [InlineData(12, 12, SignificanceTest.McNemarExact, 12.0, 1.0)]
    [InlineData(20, 4, SignificanceTest.McNemarExact, 4.0, 0.001543879508972168)]
    [InlineData(15, 10, SignificanceTest.McNemarChiSquare, 0.64, 0.4237107971667936)]
    [InlineData(30, 12, SignificanceTest.McNemarChiSquare, 6.880952380952381, 0.008711912962379598)]
    [InlineData(100, 70, SignificanceTest.McNemarChiSquare, 4.947058823529412, 0.02613509411386816)]
    [InlineData(400, 300, SignificanceTest.McNemarChiSquare, 14.001428571428571, 0.0001826717911095503)]
    public void McNemar_matches_statsmodels_exact_below_25_discordant_rows_and_chi_square_from_there(
        int b, int c, string method, double statistic, double p)
    {
        var test = McNemar.Test("accuracy", b, c, rows: 1000);

        Assert.Equal(method, test.Method);
        Close.Relative(statistic, test.Statistic);
        Close.Relative(p, test.PValue);
        Assert.Equal((b, c), (test.FirstOnlyCorrect, test.SecondOnlyCorrect));
        Assert.Equal((b - c) / 1000.0, test.Difference);
    }

    [Theory]
    [InlineData(0.0, -2.5)]
    [InlineData(0.025, -2.125)]
    [InlineData(0.16, -0.09999999999999987)]
    [InlineData(0.5, 2.25)]
    [InlineData(0.84, 6.45)]
    [InlineData(0.975, 7.78125)]
    [InlineData(1.0, 8.0)]
    public void Linear_quantiles_match_numpy(double q, double expected)
    {
        double[] sample = [3.5, -1.0, 2.25, 8.0, 0.5, 0.5, 7.125, 4.0, -2.5, 6.0, 1.75];
        Array.Sort(sample);

        // Absolute 1e-15: the 16 % quantile is a difference of order-one numbers close to 0.
        Assert.Equal(expected, Quantiles.Linear(sample, q), 1e-15);
    }

    [Fact]
    public void The_paired_z_statistic_is_scipy_ttest_rel_with_a_normal_p_value()
    {
        double[] x = [1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1];
        double[] y = [.. new double[] { 1, 0, 0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1 }.Select(v => v * 0.75 + 0.125)];

        var test = PairedZ.Test("accuracy", [.. x.Zip(y, (a, b) => a - b)]);

        Assert.Equal(SignificanceTest.PairedZ, test.Method);
        Close.Relative(0.2625, test.Difference);
        Close.Relative(0.08404846659423423, test.StandardError);
        Close.Relative(3.1231979670406935, test.Statistic);
        Close.Relative(0.0017889737366531453, test.PValue);
    }

    [Fact]
    public void DeLong_of_two_scorers_with_ties_matches_the_reference_and_its_aucs_match_sklearn()
    {
        var a = ReferenceData.Components(ReferenceData.ScoresA);
        var b = ReferenceData.Components(ReferenceData.ScoresB);

        var test = AucComponents.Compare("auc", a, b);

        Close.Relative(0.7473958333333333, a.Auc);
        Close.Relative(0.4986979166666667, b.Auc);
        Assert.Equal(SignificanceTest.DeLong, test.Method);
        Close.Relative(0.24869791666666657, test.Difference);
        Close.Relative(0.13472134433933183, test.StandardError);
        Close.Relative(1.846017183737821, test.Statistic);
        Close.Relative(0.06488971040795566, test.PValue);
    }

    [Fact]
    public void DeLong_against_the_mean_of_members_matches_the_contrast_of_their_covariance()
    {
        var members = ReferenceData.Members.Select(ReferenceData.Components).ToList();

        var test = AucComponents.Compare("auc", ReferenceData.Components(ReferenceData.ScoresA), AucComponents.Mean(members));

        Close.Relative(-0.09461805555555541, test.Difference);
        Close.Relative(0.07866968270743169, test.StandardError);
        Close.Relative(-1.2027257807487908, test.Statistic);
        Close.Relative(0.2290824539793006, test.PValue);
    }

    [Fact]
    public void The_reports_tests_on_three_members_match_the_references()
    {
        var testSet = new CampaignTestSet([.. Enumerable.Range(0, ReferenceData.Rows)], ReferenceData.Labels, 1, null);
        var members = ReferenceData.Members.Select((p, m) => new TrialPredictions(100 + m, m, p, 1)).ToList();

        var report = EnsembleAggregator.Aggregate(TaskKind.Binary, 2, testSet, members);

        var rules = report.Comparisons![0];
        Assert.Equal(("average", "vote"), (rules.First, rules.Second));
        var mcnemar = rules.Tests.Single(t => t.Metric == "accuracy");
        Assert.Equal((SignificanceTest.McNemarExact, 2, 0), (mcnemar.Method, mcnemar.FirstOnlyCorrect, mcnemar.SecondOnlyCorrect));
        Assert.Equal(0.0, mcnemar.Statistic);
        Close.Relative(0.5, mcnemar.PValue);
        var delong = rules.Tests.Single(t => t.Metric == "auc");
        Close.Relative(0.12760416666666674, delong.Difference);
        Close.Relative(0.05182946886758355, delong.StandardError);
        Close.Relative(2.462000276187975, delong.Statistic);
        Close.Relative(0.01381645603608963, delong.PValue);

        var meanMember = report.Comparisons[1];
        Assert.Equal(("average", EnsembleComparison.MeanMember), (meanMember.First, meanMember.Second));
        var paired = meanMember.Tests.Single(t => t.Metric == "accuracy");
        Assert.Equal(SignificanceTest.PairedZ, paired.Method);
        Close.Relative(0.15833333333333335, paired.Difference);
        Close.Relative(0.03578086996246256, paired.StandardError);
        Close.Relative(4.425083389516232, paired.Statistic);
        Close.Relative(9.64050360932949e-06, paired.PValue);
        var againstMembers = meanMember.Tests.Single(t => t.Metric == "auc");
        Close.Relative(0.11111111111111133, againstMembers.Difference);
        Close.Relative(0.021229624597422916, againstMembers.StandardError);
        Close.Relative(5.233776537179052, againstMembers.Statistic);
        Close.Relative(1.6608122392813702e-07, againstMembers.PValue);
    }
}
