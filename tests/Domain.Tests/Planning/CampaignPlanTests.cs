using EnsembleFarm.Domain.Planning;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Store;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Data;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Planning;

public class CampaignPlanTests
{
    private static CampaignSpec Spec(string task = "binary", string target = "y", string extra = "") => SpecParser.Parse(
        $"name: plan\nkind: ensemble\nseed: 11\ndataset: {{path: d.csv, target: {target}, task: {task}, id_column: id}}\n{extra}", "/tmp");

    [Fact]
    public void Member_seeds_derive_from_the_campaign_seed_and_the_member_index()
    {
        var plan = CampaignPlan.Create(Spec(extra: "ensemble: {members: 5}\nresources: {slots: 2}\n"), PlanningData.Binary(100));

        Assert.Equal(5, plan.Trials.Count);
        for (var i = 0; i < 5; i++)
        {
            var trial = plan.Trials[i];
            Assert.Equal(i, trial.Index);
            Assert.Equal(Rng.Derive(11, (ulong)(2 * i)), trial.SplitSeed);
            Assert.Equal(Rng.Derive(11, (ulong)(2 * i + 1)), trial.InitSeed);
            Assert.Equal(2, trial.Slots);
            Assert.Equal("{}", trial.ParamsJson);
        }
        var seeds = plan.Trials.SelectMany(t => new[] { t.SplitSeed, t.InitSeed }).ToArray();
        Assert.Equal(seeds.Length, seeds.Distinct().Count());
    }

    [Fact]
    public void The_test_part_is_stratified_with_its_targets_and_ids()
    {
        var data = PlanningData.Binary(200);

        var testSet = CampaignPlan.Create(Spec(extra: "test: {fraction: 0.2, seed: 5}\n"), data).TestSet;

        Assert.Equal(40, testSet.RowIndices.Length);
        Assert.Equal(testSet.RowIndices.Order(), testSet.RowIndices);
        Assert.Equal(10, testSet.Targets.Count(t => t == 1f)); // 25 % of 40
        Assert.Equal(1, testSet.TargetWidth);
        Assert.Equal(testSet.RowIndices.Select(r => data.Targets[r]), testSet.Targets);
        Assert.Equal(testSet.RowIndices.Select(r => $"event-{r}"), testSet.Ids!);
        Assert.Equal(Splits.Stratified(data.Targets, 0.2, 5).Second, testSet.RowIndices);
    }

    [Fact]
    public void The_test_part_depends_only_on_the_test_seed()
    {
        var data = PlanningData.Binary(200);

        var first = CampaignPlan.Create(Spec(extra: "test: {seed: 5}\nensemble: {members: 3}\n"), data).TestSet.RowIndices;
        var again = CampaignPlan.Create(Spec(extra: "test: {seed: 5}\nensemble: {members: 9}\n"), data).TestSet.RowIndices;
        var other = CampaignPlan.Create(Spec(extra: "test: {seed: 6}\n"), data).TestSet.RowIndices;

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Each_member_splits_the_non_test_rows_its_own_way_and_never_sees_a_test_row()
    {
        var data = PlanningData.Binary(200);
        var spec = Spec(extra: "ensemble: {members: 6, validation_fraction: 0.25}\n");
        var plan = CampaignPlan.Create(spec, data);
        var testRows = plan.TestSet.RowIndices.ToHashSet();

        var validationSets = new List<int[]>();
        foreach (var trial in plan.Trials)
        {
            var member = MemberData.For(spec, data, plan.TestSet, PlanningData.Record(trial));
            var train = PlanningData.RowNumbers(member.Train);
            var validation = PlanningData.RowNumbers(member.Validation);

            Assert.DoesNotContain(train, testRows.Contains);
            Assert.DoesNotContain(validation, testRows.Contains);
            Assert.Empty(train.Intersect(validation));
            Assert.Equal(200, train.Length + validation.Length + testRows.Count);
            Assert.Equal(40, validation.Length); // 25 % of the 160 non-test rows
            Assert.Equal(10, member.Validation.Targets.Count(t => t == 1f)); // stratified: 25 % positives
            Assert.Equal(plan.TestSet.RowIndices, PlanningData.RowNumbers(member.Test));
            Assert.Equal(plan.TestSet.Ids!, member.Test.Ids!);
            validationSets.Add(validation);
        }
        for (var a = 0; a < validationSets.Count; a++)
        {
            for (var b = a + 1; b < validationSets.Count; b++)
                Assert.NotEqual(validationSets[a], validationSets[b]);
        }
    }

    [Fact]
    public void The_same_seeds_give_the_same_member_split()
    {
        var data = PlanningData.Binary(120);
        var spec = Spec(extra: "ensemble: {members: 2}\n");
        var plan = CampaignPlan.Create(spec, data);
        var replanned = CampaignPlan.Create(spec, data);

        var first = MemberData.SplitRows(spec, data, plan.TestSet, plan.Trials[1].SplitSeed);
        var second = MemberData.SplitRows(spec, data, replanned.TestSet, replanned.Trials[1].SplitSeed);

        Assert.Equal(first.Train, second.Train);
        Assert.Equal(first.Validation, second.Validation);
        Assert.Equal(first.Train.Order(), first.Train);
        Assert.Equal(first.Validation.Order(), first.Validation);
    }

    [Fact]
    public void Regression_splits_at_random_and_keeps_every_target_of_a_row()
    {
        var data = PlanningData.Regression(50);
        var spec = Spec("regression", "[pt, eta]", "test: {fraction: 0.3}\nensemble: {members: 2, validation_fraction: 0.5}\n");

        var plan = CampaignPlan.Create(spec, data);
        var member = MemberData.For(spec, data, plan.TestSet, PlanningData.Record(plan.Trials[0]));

        Assert.Equal(2, plan.TestSet.TargetWidth);
        Assert.Equal(30, plan.TestSet.Targets.Length); // 15 rows × 2 targets
        Assert.Equal(plan.TestSet.RowIndices.SelectMany(r => new[] { r * 2f, -r }), plan.TestSet.Targets);
        Assert.Null(plan.TestSet.Ids);
        Assert.Equal(Splits.Random(50, 0.3, 11).Second, plan.TestSet.RowIndices);
        Assert.Equal(35, member.Train.Rows + member.Validation.Rows);
        Assert.Equal(PlanningData.RowNumbers(member.Train).SelectMany(r => new[] { r * 2f, -r }), member.Train.Targets);
    }

    [Fact]
    public void Class_weights_must_match_the_data_class_count()
    {
        var data = new Dataset(["x"], [0, 1, 2, 3, 4, 5], ["y"], [0, 1, 2, 0, 1, 2], TaskKind.Multiclass, 3);
        var spec = SpecParser.Parse(
            "name: w\nkind: ensemble\ndataset: {path: d.csv, target: y, task: multiclass}\ntraining: {loss: {class_weights: [1, 2]}}\n", "/tmp");

        var error = Assert.Single(Assert.Throws<SpecException>(() => CampaignPlan.Create(spec, data)).Errors);

        Assert.Equal("training.loss.class_weights", error.Path);
        Assert.Equal("must be one weight per class: the data has 3 classes, got 2 weights", error.Message);
    }

    [Fact]
    public void A_test_part_that_leaves_fewer_than_two_rows_is_refused()
    {
        var error = Assert.Single(Assert.Throws<SpecException>(() => CampaignPlan.Create(Spec(extra: "test: {fraction: 0.9}\n"), PlanningData.Binary(5))).Errors);

        Assert.Equal("test.fraction", error.Path);
        Assert.Equal("leaves 1 of the 5 rows for the members' training and validation; they need at least 2", error.Message);
    }

    [Fact]
    public void Data_read_for_another_task_is_refused()
    {
        var regression = Assert.Throws<ArgumentException>(() => CampaignPlan.Create(Spec(), PlanningData.Regression(10)));

        Assert.Contains("the spec's task is binary", regression.Message);
    }

    [Theory]
    [InlineData(2, "rows")]
    [InlineData(1, "row")]
    public void Data_too_small_to_split_is_a_spec_error_on_the_dataset_in_plain_words(int rows, string noun)
    {
        var error = Assert.Single(Assert.Throws<SpecException>(() => CampaignPlan.Create(Spec(), PlanningData.Binary(rows))).Errors);

        Assert.Equal("dataset.path", error.Path);
        Assert.Equal(
            $"{Path.GetFullPath("/tmp/d.csv")} has {rows} {noun}; a campaign needs at least 3 (one each for the test part, a member's training and its validation)",
            error.Message);
    }

    [Fact]
    public void A_test_set_planned_on_other_data_is_refused()
    {
        var spec = Spec();
        var plan = CampaignPlan.Create(spec, PlanningData.Binary(200));

        var error = Assert.Throws<ArgumentException>(() => MemberData.For(spec, PlanningData.Binary(100), plan.TestSet, PlanningData.Record(plan.Trials[0])));

        Assert.Contains("is outside the dataset's 100 rows", error.Message);
    }
}
