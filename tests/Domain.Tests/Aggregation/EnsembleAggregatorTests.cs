using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.Store;
using EnsembleFarm.Models;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Aggregation;

public class EnsembleAggregatorTests
{
    private const double Tolerance = 1e-6;

    private static CampaignTestSet TestSet(float[] targets, int width = 1, string[]? ids = null) =>
        new(Enumerable.Range(0, targets.Length / width).Select(r => 100 + r).ToArray(), targets, width, ids);

    /// <summary>Members in index order, trial ids 1000 + index; each array holds one member's predictions for every row.</summary>
    private static TrialPredictions[] Members(int width, params float[][] predictions) =>
        predictions.Select((p, i) => new TrialPredictions(1000 + i, i, p, width)).ToArray();

    /// <summary>Member predictions given row by row: rows[r][m] is member m's probability for row r.</summary>
    private static TrialPredictions[] BinaryMembersByRow(params float[][] rows) =>
        Members(1, Enumerable.Range(0, rows[0].Length).Select(m => rows.Select(r => r[m]).ToArray()).ToArray());

    private static EnsembleReport Binary(float[] targets, TrialPredictions[] members) =>
        EnsembleAggregator.Aggregate(TaskKind.Binary, 2, TestSet(targets), members);

    [Fact]
    public void The_design_example_0_1_0_51_0_51_averages_to_no_and_votes_yes()
    {
        var report = Binary([1, 0], BinaryMembersByRow([0.1f, 0.51f, 0.51f], [0.2f, 0.3f, 0.1f]));

        var row = report.Rows[0];
        Assert.Equal((0.1 + 0.51 + 0.51) / 3, row.Scores["average"][0], Tolerance);
        Assert.Equal(2.0 / 3, row.Scores["vote"][0], Tolerance);
        Assert.Equal(0, row.Decisions!["average"]);
        Assert.Equal(1, row.Decisions["vote"]);
        var disagreement = Assert.Single(report.Disagreements);
        Assert.Equal(100, disagreement.Row);
        Assert.Equal([1f], disagreement.Target);
        // Row 0 is a positive: the average misses it, the vote gets it; both get row 1.
        Assert.Equal(0.5, report.Ensemble["average"]["accuracy"]);
        Assert.Equal(1.0, report.Ensemble["vote"]["accuracy"]);
    }

    [Fact]
    public void A_vote_split_exactly_in_half_goes_to_the_average_decision()
    {
        var report = Binary([1, 1, 0], BinaryMembersByRow(
            [0.9f, 0.6f, 0.2f, 0.1f],    // 2 of 4 vote yes, mean 0.45 → no
            [0.9f, 0.8f, 0.4f, 0.3f],    // 2 of 4 vote yes, mean 0.60 → yes
            [0.5f, 0.5f, 0.5f, 0.5f]));  // p = 0.5 is not a yes vote: 0 of 4, mean 0.5 → no

        Assert.Equal([0.5f, 0.5f, 0f], report.Rows.Select(r => r.Scores["vote"][0]));
        Assert.Equal([0, 1, 0], report.Rows.Select(r => r.Decisions!["vote"]));
        Assert.Equal([0, 1, 0], report.Rows.Select(r => r.Decisions!["average"]));
        Assert.Empty(report.Disagreements);
        Assert.Contains("exactly in half", report.TieRule);
    }

    [Fact]
    public void Thirty_of_sixty_votes_follow_the_mean_probability()
    {
        float[] Split(float yes, float no) => [.. Enumerable.Repeat(yes, 30), .. Enumerable.Repeat(no, 30)];
        var report = Binary([0, 1], BinaryMembersByRow(Split(0.6f, 0.3f), Split(0.9f, 0.2f)));

        Assert.Equal(60, report.Members);
        Assert.Equal([0.5f, 0.5f], report.Rows.Select(r => r.Scores["vote"][0]));
        Assert.Equal([0.45, 0.55], report.Rows.Select(r => Math.Round(r.Scores["average"][0], 6)));
        Assert.Equal([0, 1], report.Rows.Select(r => r.Decisions!["vote"]));
        Assert.Equal(1.0, report.Ensemble["vote"]["accuracy"]);
    }

    [Fact]
    public void Binary_metrics_of_both_rules_match_the_hand_computed_values()
    {
        // Members 0 and 1 on four rows with targets 1, 1, 0, 0.
        var report = Binary([1, 1, 0, 0], Members(1, [0.8f, 0.4f, 0.6f, 0.2f], [0.6f, 0.7f, 0.2f, 0.1f]));

        // Average p = 0.7, 0.55, 0.4, 0.15: every decision right, positives all above negatives.
        var average = report.Ensemble["average"];
        Assert.Equal(1.0, average["accuracy"]);
        Assert.Equal(1.0, average["auc"]);
        Assert.Equal((0.09 + 0.2025 + 0.16 + 0.0225) / 4, average["brier"]!.Value, Tolerance);
        Assert.Equal(-(Math.Log(0.7) + Math.Log(0.55) + Math.Log(0.6) + Math.Log(0.85)) / 4, average["log_loss"]!.Value, 1e-6);
        Assert.Equal((0.3 + 0.45 + 0.4 + 0.15) / 4, average["ece"]!.Value, Tolerance); // one row per bin
        // Vote fractions 1, 0.5, 0.5, 0; the two ties follow the average (0.55 → 1, 0.4 → 0).
        var vote = report.Ensemble["vote"];
        Assert.Equal(1.0, vote["accuracy"]);
        Assert.Equal(3.5 / 4, vote["auc"]!.Value, Tolerance); // the tied pair (0.5, 0.5) counts one half
        Assert.Equal(0.5 * 0.5 * 2 / 4, vote["brier"]!.Value, Tolerance);
        Assert.Null(vote["log_loss"]);
        Assert.Equal(["log_loss"], report.Rules.Single(r => r.Name == "vote").UndefinedMetrics);
        // Member 0 decides 1, 0, 1, 0 (accuracy 0.5); member 1 decides 1, 1, 0, 0 (accuracy 1).
        Assert.Equal([0.5, 1.0], report.MemberResults.Select(m => m.Metrics["accuracy"]!.Value));
        Assert.Equal(new MetricSummary(2, 0.75, Math.Sqrt(0.125), 0.5, 1.0), report.MemberSummary["accuracy"]);
        Assert.Empty(report.Disagreements);
    }

    [Fact]
    public void Multiclass_plurality_ties_go_to_the_tied_class_with_the_highest_mean_probability()
    {
        // Row 0: two votes for class 0, two for class 1; class 2 has the highest mean probability but no vote.
        // Row 1: every member says class 2.
        float[] Member(float[] row0) => [.. row0, 0.1f, 0.2f, 0.7f];
        var members = Members(3,
            Member([0.40f, 0.20f, 0.39f]),
            Member([0.40f, 0.20f, 0.39f]),
            Member([0.10f, 0.45f, 0.44f]),
            Member([0.10f, 0.45f, 0.44f]));

        var report = EnsembleAggregator.Aggregate(TaskKind.Multiclass, 3, TestSet([1, 2]), members);

        Assert.Equal([0.5f, 0.5f, 0f], report.Rows[0].Scores["vote"]);
        Assert.Equal(1, report.Rows[0].Decisions!["vote"]);     // not 0, the lowest tied index: class 1's mean is 0.325 > 0.25
        Assert.Equal(2, report.Rows[0].Decisions!["average"]);  // mean probabilities 0.25, 0.325, 0.415
        Assert.Equal([0.25f, 0.325f, 0.415f], report.Rows[0].Scores["average"].Select(p => MathF.Round(p, 6)));
        Assert.Equal([2, 2], [report.Rows[1].Decisions!["vote"], report.Rows[1].Decisions!["average"]]);
        Assert.Equal(100, Assert.Single(report.Disagreements).Row);
        Assert.Equal(0.5, report.Ensemble["average"]["accuracy"]);
        Assert.Equal(1.0, report.Ensemble["vote"]["accuracy"]);
        Assert.Equal(1.0 / 3, report.Ensemble["average"]["macro_f1"]!.Value, Tolerance); // class 1: F1 0, class 2: F1 2/3
        Assert.Equal(1.0, report.Ensemble["vote"]["macro_f1"]);
        Assert.Equal(-(Math.Log(0.325) + Math.Log(0.7)) / 2, report.Ensemble["average"]["log_loss"]!.Value, 1e-6);
        Assert.Null(report.Ensemble["vote"]["log_loss"]);
        Assert.Contains("highest mean probability", report.TieRule);
    }

    [Fact]
    public void Multiclass_mean_arg_max_and_plurality_can_disagree()
    {
        var members = Members(3, [0.9f, 0.05f, 0.05f], [0.4f, 0.5f, 0.1f], [0.4f, 0.5f, 0.1f]);

        var row = EnsembleAggregator.Aggregate(TaskKind.Multiclass, 3, TestSet([0]), members).Rows[0];

        Assert.Equal(0, row.Decisions!["average"]); // mean 0.567, 0.35, 0.083
        Assert.Equal(1, row.Decisions["vote"]);      // two of three members say 1
    }

    [Fact]
    public void Regression_compares_mean_and_median()
    {
        var report = EnsembleAggregator.Aggregate(TaskKind.Regression, 0, TestSet([2, 1]),
            Members(1, [1, 0], [2, 0], [9, 3]));

        Assert.Equal(["mean", "median"], report.Rules.Select(r => r.Name));
        Assert.Equal([4f, 1f], report.Rows.Select(r => r.Scores["mean"][0]));
        Assert.Equal([2f, 0f], report.Rows.Select(r => r.Scores["median"][0]));
        Assert.Equal(Math.Sqrt(2), report.Ensemble["mean"]["rmse"]!.Value, Tolerance);  // errors 2, 0
        Assert.Equal(1.0, report.Ensemble["mean"]["mae"]!.Value, Tolerance);
        Assert.Equal(Math.Sqrt(0.5), report.Ensemble["median"]["rmse"]!.Value, Tolerance); // errors 0, 1
        Assert.Equal(0.5, report.Ensemble["median"]["mae"]!.Value, Tolerance);
        Assert.Null(report.TieRule);
        Assert.Null(report.Rows[0].Decisions);
        Assert.Empty(report.Disagreements);
    }

    [Fact]
    public void The_median_of_an_even_count_is_the_mean_of_the_middle_pair_for_each_target()
    {
        // Two targets per row; one row.
        var report = EnsembleAggregator.Aggregate(TaskKind.Regression, 0, TestSet([0, 0], width: 2),
            Members(2, [1, -1], [3, -4], [2, -2], [10, 100]));

        Assert.Equal([2.5f, -1.5f], report.Rows[0].Scores["median"]);
        Assert.Equal([4f, 23.25f], report.Rows[0].Scores["mean"]);
        Assert.Equal([0f, 0f], report.Rows[0].Target);
    }

    [Theory]
    [InlineData(1, new[] { 1 })]
    [InlineData(2, new[] { 1, 2 })]
    [InlineData(12, new[] { 1, 2, 5, 10, 12 })]
    [InlineData(40, new[] { 1, 2, 5, 10, 20, 40 })]
    [InlineData(60, new[] { 1, 2, 5, 10, 20, 40, 60 })]
    public void The_size_curve_stops_at_the_ensemble_size(int members, int[] sizes)
    {
        var predictions = Enumerable.Range(0, members).Select(m => new[] { (m % 7) / 7f, 0.3f }).ToArray();

        var report = Binary([1, 0], Members(1, predictions));

        Assert.Equal(sizes, report.SizeCurve.Select(p => p.Size));
    }

    [Fact]
    public void Each_size_combines_the_first_members_by_index_whatever_order_they_arrive_in()
    {
        var random = new Rng(3);
        var targets = Enumerable.Range(0, 30).Select(r => (float)(r % 2)).ToArray();
        var members = Enumerable.Range(0, 12)
            .Select(m => new TrialPredictions(500 + m, m, targets.Select(t => Math.Clamp(t * 0.3f + random.NextSingle() * 0.7f, 0f, 1f)).ToArray(), 1))
            .ToArray();
        var shuffled = members.ToArray();
        random.Shuffle(shuffled.AsSpan());

        var report = Binary(targets, shuffled);

        Assert.Equal(Enumerable.Range(0, 12), report.MemberResults.Select(m => m.Index));
        foreach (var point in report.SizeCurve)
        {
            var firstOnly = Binary(targets, members[..point.Size]);
            foreach (var rule in new[] { "average", "vote" })
                Assert.Equal(firstOnly.Ensemble[rule], point.Metrics[rule]);
        }
        Assert.Equal(report.Ensemble["vote"], report.SizeCurve[^1].Metrics["vote"]);
    }

    [Fact]
    public void Undefined_metrics_are_null_and_the_member_summary_counts_only_defined_ones()
    {
        // One class only in the test part: ROC AUC is undefined. Member 1 diverged (NaN).
        var report = Binary([1, 1], Members(1, [0.7f, 0.8f], [float.NaN, float.NaN], [0.4f, 0.9f]));

        Assert.Null(report.Ensemble["average"]["auc"]);
        Assert.Null(report.MemberResults[0].Metrics["auc"]);
        Assert.Equal(new MetricSummary(0, null, null, null, null), report.MemberSummary["auc"]);
        Assert.Equal(2, report.MemberSummary["accuracy"].Count);
        Assert.Equal(0.75, report.MemberSummary["accuracy"].Mean);
    }

    [Fact]
    public void Predictions_that_do_not_fit_are_refused_with_the_member_named()
    {
        var testSet = TestSet([1, 0]);

        var none = Assert.Throws<ArgumentException>(() => EnsembleAggregator.Aggregate(TaskKind.Binary, 2, testSet, []));
        Assert.StartsWith("No member has completed yet", none.Message);

        var width = Assert.Throws<ArgumentException>(() => EnsembleAggregator.Aggregate(TaskKind.Multiclass, 3, testSet,
            [new TrialPredictions(7, 4, [0.2f, 0.8f], 1)]));
        Assert.StartsWith("Member 4 (trial 7) has 2 test predictions of width 1; the 2 test rows of task multiclass need 6 of width 3.", width.Message);

        var twice = Assert.Throws<ArgumentException>(() => EnsembleAggregator.Aggregate(TaskKind.Binary, 2, testSet,
            [new TrialPredictions(7, 1, [0.2f, 0.8f], 1), new TrialPredictions(9, 1, [0.2f, 0.8f], 1)]));
        Assert.StartsWith("Member 1 appears twice (trials 7 and 9).", twice.Message);
    }

    [Fact]
    public void The_report_round_trips_through_json_with_snake_case_names_and_nulls()
    {
        var report = EnsembleAggregator.Aggregate(TaskKind.Binary, 2, TestSet([1, 0], ids: ["a", "b"]),
            Members(1, [0.1f, 0.2f], [0.51f, 0.3f], [0.51f, 0.1f]));

        var json = report.ToJson();
        var again = EnsembleReport.FromJson(json);

        Assert.Equal(json, again.ToJson());
        Assert.Contains("\"member_summary\":", json);
        Assert.Contains("\"size_curve\":", json);
        Assert.Contains("\"undefined_metrics\":", json);
        Assert.Contains("\"log_loss\": null", json);
        Assert.Contains("\"description\": \"mean(p > 0.5) > 0.5\"", json);
        Assert.Equal("a", again.Disagreements.Single().Id);
    }
}
