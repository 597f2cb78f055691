using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.Domain.Statistics;
using EnsembleFarm.Models;
using EnsembleFarm.Store;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Aggregation;

public class EnsembleUncertaintyTests
{
    private static CampaignTestSet TestSet(float[] targets, int width = 1) =>
        new([.. Enumerable.Range(0, targets.Length / width)], targets, width, null);

    /// <summary>A binary test part of <paramref name="rows"/> rows and <paramref name="members"/> noisy members that mostly get it right.</summary>
    private static (CampaignTestSet TestSet, TrialPredictions[] Members) Binary(int rows, int members, ulong seed = 1)
    {
        var rng = new Rng(seed);
        var labels = Enumerable.Range(0, rows).Select(_ => rng.NextDouble() < 0.3 ? 1f : 0f).ToArray();
        var signal = labels.Select(y => 1.5 * (2 * y - 1) + rng.NextGaussian()).ToArray();
        var predictions = Enumerable.Range(0, members)
            .Select(m => new TrialPredictions(100 + m, m, [.. signal.Select(s => (float)(1 / (1 + Math.Exp(-(s + rng.NextGaussian())))))], 1))
            .ToArray();
        return (TestSet(labels), predictions);
    }

    [Fact]
    public void Every_defined_metric_of_every_rule_and_of_the_mean_member_gets_an_interval()
    {
        var (testSet, members) = Binary(400, 7);

        var report = EnsembleAggregator.Aggregate(TaskKind.Binary, 2, testSet, members);

        Assert.Equal(BootstrapOptions.Default, report.Bootstrap);
        foreach (var rule in report.Rules)
        {
            foreach (var metric in report.MetricNames)
            {
                var interval = report.Intervals![rule.Name][metric];
                if (report.Ensemble[rule.Name][metric] is null)
                {
                    Assert.Null(interval);
                    continue;
                }
                Assert.NotNull(interval);
                Assert.True(interval.Lower < interval.Upper, $"{rule.Name} {metric}: {interval}");
            }
        }
        Assert.Null(report.Intervals!["vote"]["log_loss"]);
        foreach (var (rule, metric) in new[] { ("average", "accuracy"), ("average", "auc"), ("vote", "accuracy"), ("vote", "brier") })
            Assert.InRange(report.Ensemble[rule][metric]!.Value, report.Intervals[rule][metric]!.Lower, report.Intervals[rule][metric]!.Upper);
        foreach (var metric in report.MetricNames)
            Assert.InRange(report.MemberSummary[metric].Mean!.Value, report.MemberMeanIntervals![metric]!.Lower, report.MemberMeanIntervals[metric]!.Upper);
    }

    [Fact]
    public void Differences_are_first_minus_second_on_the_test_part_with_paired_intervals()
    {
        var (testSet, members) = Binary(400, 7);

        var report = EnsembleAggregator.Aggregate(TaskKind.Binary, 2, testSet, members);

        var (rules, meanMember) = (report.Comparisons![0], report.Comparisons[1]);
        foreach (var metric in report.MetricNames.Where(m => m != "log_loss"))
        {
            var difference = rules.Differences[metric]!;
            Assert.Equal(report.Ensemble["average"][metric]!.Value - report.Ensemble["vote"][metric]!.Value, difference.Difference);
            Assert.True(difference.Interval!.Lower <= difference.Interval.Upper);
            Assert.Equal(report.Ensemble["average"][metric]!.Value - report.MemberSummary[metric].Mean!.Value, meanMember.Differences[metric]!.Difference);
        }
        Assert.Null(rules.Differences["log_loss"]);
        Assert.NotNull(meanMember.Differences["log_loss"]);
        // Averaging seven noisy members beats the typical member clearly: the whole interval lies above 0.
        Assert.True(meanMember.Differences["auc"]!.Interval!.Lower > 0, $"{meanMember.Differences["auc"]}");
        Assert.Equal(["accuracy", "auc"], rules.Tests.Select(t => t.Metric));
        Assert.StartsWith("mcnemar_", rules.Tests[0].Method);
        Assert.Equal(SignificanceTest.DeLong, rules.Tests[1].Method);
        Assert.Equal([SignificanceTest.PairedZ, SignificanceTest.DeLong], meanMember.Tests.Select(t => t.Method));
        Assert.True(meanMember.Tests[1].PValue < 0.05, $"{meanMember.Tests[1]}");
    }

    [Fact]
    public void The_same_options_give_the_same_report_and_the_seed_and_confidence_change_the_intervals()
    {
        var (testSet, members) = Binary(300, 5);

        var first = EnsembleAggregator.Aggregate(TaskKind.Binary, 2, testSet, members);
        var again = EnsembleAggregator.Aggregate(TaskKind.Binary, 2, testSet, members);
        var otherSeed = EnsembleAggregator.Aggregate(TaskKind.Binary, 2, testSet, members, new BootstrapOptions(Seed: 9));
        var wider = EnsembleAggregator.Aggregate(TaskKind.Binary, 2, testSet, members, new BootstrapOptions(Confidence: 0.99));

        Assert.Equal(first.ToJson(), again.ToJson());
        Assert.NotEqual(first.Intervals!["average"]["auc"], otherSeed.Intervals!["average"]["auc"]);
        var (narrow, wide) = (first.Intervals["average"]["auc"]!, wider.Intervals!["average"]["auc"]!);
        Assert.True(wide.Lower < narrow.Lower && narrow.Upper < wide.Upper, $"95 % {narrow}, 99 % {wide}");
    }

    [Fact]
    public void Without_resamples_there_are_no_intervals_but_the_differences_and_tests_remain()
    {
        var (testSet, members) = Binary(200, 3);

        var report = EnsembleAggregator.Aggregate(TaskKind.Binary, 2, testSet, members, new BootstrapOptions(Resamples: 0));

        Assert.Null(report.Intervals);
        Assert.Null(report.MemberMeanIntervals);
        Assert.All(report.Comparisons!, c => Assert.All(c.Differences.Values.OfType<MetricDifference>(), d => Assert.Null(d.Interval)));
        Assert.All(report.Comparisons!, c => Assert.Equal(2, c.Tests.Count));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            EnsembleAggregator.Aggregate(TaskKind.Binary, 2, testSet, members, new BootstrapOptions(Resamples: -1)));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            EnsembleAggregator.Aggregate(TaskKind.Binary, 2, testSet, members, new BootstrapOptions(Confidence: 1)));
    }

    [Fact]
    public void Multiclass_compares_accuracy_by_McNemar_and_against_the_mean_member_by_a_paired_z_test()
    {
        var rng = new Rng(5);
        var classes = Enumerable.Range(0, 150).Select(_ => (float)rng.NextInt(3)).ToArray();
        var members = Enumerable.Range(0, 4).Select(m => new TrialPredictions(m, m, [.. classes.SelectMany(y =>
        {
            var row = Enumerable.Range(0, 3).Select(c => (float)(rng.NextDouble() + (c == y ? 0.6 : 0))).ToArray();
            return row.Select(p => p / row.Sum());
        })], 3)).ToArray();

        var report = EnsembleAggregator.Aggregate(TaskKind.Multiclass, 3, TestSet(classes), members);

        Assert.Equal(["accuracy"], report.Comparisons![0].Tests.Select(t => t.Metric));
        Assert.StartsWith("mcnemar_", report.Comparisons[0].Tests[0].Method);
        Assert.Equal(SignificanceTest.PairedZ, Assert.Single(report.Comparisons[1].Tests).Method);
        Assert.NotNull(report.Intervals!["vote"]["macro_f1"]);
        Assert.Null(report.Rows[0].Spread.Q16);
        Assert.Equal(3, report.Rows[0].Spread.Std.Length);
    }

    [Fact]
    public void Regression_compares_mean_and_median_and_the_mean_member_on_absolute_errors()
    {
        var rng = new Rng(6);
        var targets = Enumerable.Range(0, 120).Select(_ => (float)(50 + 10 * rng.NextGaussian())).ToArray();
        var members = Enumerable.Range(0, 5)
            .Select(m => new TrialPredictions(m, m, [.. targets.Select(t => (float)(t + 3 * rng.NextGaussian() + (m == 4 ? 8 : 0)))], 1))
            .ToArray();

        var report = EnsembleAggregator.Aggregate(TaskKind.Regression, 0, TestSet(targets), members);

        Assert.Equal(("mean", "median"), (report.Comparisons![0].First, report.Comparisons[0].Second));
        var test = Assert.Single(report.Comparisons[0].Tests);
        Assert.Equal(("mae", SignificanceTest.PairedZ), (test.Metric, test.Method));
        Assert.Equal(report.Ensemble["mean"]["mae"]!.Value - report.Ensemble["median"]["mae"]!.Value, test.Difference, 1e-12);
        Assert.Equal("mae", Assert.Single(report.Comparisons[1].Tests).Metric);
        Assert.NotNull(report.Intervals!["median"]["r2"]);
        Assert.NotNull(report.Rows[0].Spread.Q84);
    }

    [Fact]
    public void Each_row_carries_the_members_standard_deviation_and_16_and_84_percent_quantiles()
    {
        // Five members on one row: 0.1, 0.2, 0.4, 0.8, 0.9.
        var members = new[] { 0.1f, 0.2f, 0.4f, 0.8f, 0.9f }.Select((p, m) => new TrialPredictions(m, m, [p], 1)).ToArray();

        var spread = EnsembleAggregator.Aggregate(TaskKind.Binary, 2, TestSet([1]), members).Rows[0].Spread;

        double[] values = [0.1f, 0.2f, 0.4f, 0.8f, 0.9f];
        var mean = values.Average();
        Assert.Equal((float)Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / 4), Assert.Single(spread.Std));
        // Position (5 − 1)·0.16 = 0.64 between 0.1 and 0.2; (5 − 1)·0.84 = 3.36 between 0.8 and 0.9.
        Assert.Equal((float)(values[0] + 0.64 * (values[1] - values[0])), Assert.Single(spread.Q16!));
        Assert.Equal((float)(values[3] + 0.36 * (values[4] - values[3])), Assert.Single(spread.Q84!));
    }

    [Fact]
    public void The_spread_of_a_row_with_a_diverged_member_is_unknown_rather_than_wrong()
    {
        var members = new[] { 0.2f, float.NaN, 0.9f }.Select((p, m) => new TrialPredictions(m, m, [p], 1)).ToArray();

        var spread = EnsembleAggregator.Aggregate(TaskKind.Binary, 2, TestSet([1]), members).Rows[0].Spread;

        Assert.True(float.IsNaN(spread.Std[0]) && float.IsNaN(spread.Q16![0]) && float.IsNaN(spread.Q84![0]), $"{spread.Std[0]} {spread.Q16![0]} {spread.Q84![0]}");
    }

    [Fact]
    public void A_single_member_has_no_spread_and_no_testable_difference_from_itself()
    {
        var report = EnsembleAggregator.Aggregate(TaskKind.Binary, 2, TestSet([1, 0, 1, 0]), [new TrialPredictions(1, 0, [0.8f, 0.3f, 0.4f, 0.1f], 1)]);

        Assert.Equal([0f], report.Rows[0].Spread.Std);
        Assert.Equal(report.Rows[0].Spread.Q16, report.Rows[0].Spread.Q84);
        var againstItself = report.Comparisons![1];
        Assert.Equal(0, againstItself.Differences["auc"]!.Difference);
        Assert.All(againstItself.Tests, t => Assert.Null(t.PValue));
    }

    [Fact]
    public void The_json_adds_its_new_fields_under_snake_case_names_and_round_trips()
    {
        var (testSet, members) = Binary(60, 3);
        var report = EnsembleAggregator.Aggregate(TaskKind.Binary, 2, testSet, members, new BootstrapOptions(Resamples: 50));

        var json = report.ToJson();

        foreach (var name in new[] { "bootstrap", "resamples", "seed", "confidence", "intervals", "member_mean_intervals", "comparisons",
                     "first", "second", "differences", "difference", "interval", "lower", "upper", "tests", "method", "standard_error",
                     "statistic", "p_value", "first_only_correct", "second_only_correct", "spread", "std", "q16", "q84" })
            Assert.Contains($"\"{name}\":", json);
        Assert.Contains("\"second\": \"mean_member\"", json);
        Assert.Equal(json, EnsembleReport.FromJson(json).ToJson());
    }
}
