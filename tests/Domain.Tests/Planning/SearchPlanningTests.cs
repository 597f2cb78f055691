using EnsembleFarm.Domain.Planning;
using EnsembleFarm.Domain.Search;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Data;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Planning;

/// <summary>Planning a search: one split for all its trials, a seed of its own for each, the enqueued configurations first.</summary>
public sealed class SearchPlanningTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("efarm-search-plan-").FullName;

    private const string Space = "space: {training.batch_size: {int: [16, 64]}, model.activation: {categorical: [relu, tanh]}}";

    private static CampaignSpec Spec(string search = "", string task = "binary", string target = "y", string extra = "") => SpecParser.Parse(
        $"name: plan\nkind: search\nseed: 11\ndataset: {{path: d.csv, target: {target}, task: {task}, id_column: id}}\n{extra}"
        + $"search: {{trials: 20, {Space}{search}}}\n", "/tmp");

    [Fact]
    public void A_search_without_enqueued_configurations_plans_its_test_part_and_no_trial()
    {
        var data = PlanningData.Binary(200);
        var ensemble = SpecParser.Parse("name: plan\nkind: ensemble\nseed: 11\ndataset: {path: d.csv, target: y, task: binary, id_column: id}\n", "/tmp");

        var plan = CampaignPlan.Create(Spec(), data);

        Assert.Empty(plan.Trials);
        Assert.Equal(CampaignPlan.Create(ensemble, data).TestSet.RowIndices, plan.TestSet.RowIndices);
    }

    [Fact]
    public void Enqueued_configurations_are_the_first_trials_in_order_seeded_as_every_search_trial()
    {
        var spec = Spec(", enqueue: [{training.batch_size: 32, model.activation: relu}, {training.batch_size: 64, model.activation: tanh}]",
            extra: "resources: {slots: 2}\n");

        var trials = CampaignPlan.Create(spec, PlanningData.Binary(100)).Trials;

        Assert.Equal([0, 1], trials.Select(t => t.Index));
        Assert.Equal("""{"model.activation":"relu","training.batch_size":32}""", trials[0].ParamsJson);
        Assert.Equal("""{"model.activation":"tanh","training.batch_size":64}""", trials[1].ParamsJson);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(SearchTrials.SeedsFor(spec, i), (trials[i].SplitSeed, trials[i].InitSeed));
            Assert.Equal(2, trials[i].Slots);
            Assert.Equal(spec.Search!.Enqueued[i], SearchParameters.FromJson(trials[i].ParamsJson));
        }
    }

    [Fact]
    public void Every_trial_of_a_search_shares_one_split_and_has_its_own_initialisation_seed()
    {
        var spec = Spec();
        var seeds = Enumerable.Range(0, 50).Select(n => SearchTrials.SeedsFor(spec, n)).ToList();

        Assert.Single(seeds.Select(s => s.SplitSeed).Distinct());
        Assert.Equal(50, seeds.Select(s => s.InitSeed).Distinct().Count());
        Assert.DoesNotContain(seeds[0].SplitSeed, seeds.Select(s => s.InitSeed));
        Assert.Equal(seeds, Enumerable.Range(0, 50).Select(n => SearchTrials.SeedsFor(Spec(), n)));
        // The seeds come from the campaign seed: another campaign seed, other seeds.
        var other = SpecParser.Parse(
            $"name: plan\nkind: search\nseed: 12\ndataset: {{path: d.csv, target: y, task: binary}}\nsearch: {{trials: 20, {Space}}}\n", "/tmp");
        Assert.NotEqual(seeds[0], SearchTrials.SeedsFor(other, 0));
    }

    [Fact]
    public void Every_search_trial_validates_on_the_same_rows_with_the_search_validation_fraction()
    {
        var data = PlanningData.Binary(200);
        var spec = Spec(", validation_fraction: 0.3");
        var plan = CampaignPlan.Create(spec, data);
        var parameters = new Dictionary<string, ParamValue> { ["training.batch_size"] = 16, ["model.activation"] = "relu" };

        var parts = new[] { 0, 1, 7 }.Select(n => MemberData.For(spec, data, plan.TestSet, PlanningData.Record(SearchTrials.Create(spec, n, parameters)))).ToList();

        Assert.All(parts, part => Assert.Equal(PlanningData.RowNumbers(parts[0].Validation), PlanningData.RowNumbers(part.Validation)));
        Assert.All(parts, part => Assert.Equal(PlanningData.RowNumbers(parts[0].Train), PlanningData.RowNumbers(part.Train)));
        Assert.Equal(48, parts[0].Validation.Rows); // 30 % of the 160 non-test rows
        Assert.Equal(12, parts[0].Validation.Targets.Count(t => t == 1f)); // stratified: 25 % positives
        Assert.Empty(PlanningData.RowNumbers(parts[0].Validation).Intersect(plan.TestSet.RowIndices));
    }

    [Fact]
    public void A_regression_search_validates_on_a_random_part()
    {
        var data = PlanningData.Regression(50);
        var spec = Spec(", validation_fraction: 0.5", "regression", "[pt, eta]");
        var plan = CampaignPlan.Create(spec, data);
        var (splitSeed, _) = SearchTrials.SeedsFor(spec, 3);

        var (train, validation) = MemberData.SplitRows(spec, data, plan.TestSet, splitSeed);

        Assert.Equal(20, validation.Length); // half of the 40 non-test rows
        Assert.Equal(40, train.Length + validation.Length);
    }

    [Fact]
    public void Search_trials_are_made_only_for_searches_and_only_with_parameters_of_their_space()
    {
        var ensemble = SpecParser.Parse("name: e\nkind: ensemble\ndataset: {path: d.csv, target: y, task: binary}\n", "/tmp");

        var notSearch = Assert.Throws<ArgumentException>(() => SearchTrials.SeedsFor(ensemble, 0));
        var outside = Assert.Throws<ArgumentException>(() => SearchTrials.Create(Spec(), 4, new Dictionary<string, ParamValue> { ["training.batch_size"] = 512 }));

        Assert.StartsWith("campaign spec 'e' is an ensemble; search trials belong to search and nas campaigns", notSearch.Message);
        Assert.StartsWith("trial 4's parameters do not belong to the search space: training.batch_size: 512 is not in int from 16 to 64; "
            + "model.activation: missing although active", outside.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => SearchTrials.SeedsFor(Spec(), -1));
    }

    [Fact]
    public void Configurations_of_another_search_are_refused_for_a_search()
    {
        var error = Assert.Throws<ArgumentException>(() => CampaignPlan.Create(Spec(), PlanningData.Binary(50), [new Dictionary<string, ParamValue>()]));

        Assert.StartsWith("configurations of a search are given to search campaign 'plan', which trains its own", error.Message);
    }

    [Fact]
    public void A_search_on_small_data_is_warned_about_in_its_own_words()
    {
        // 5 rows: 1 test row (class 0), and the one validation part of the 4 others holds 1 row, of class 0.
        File.WriteAllText(Path.Combine(_folder, "d.csv"), "id,x,y\n" + string.Concat(new[] { 0, 1, 0, 1, 0 }.Select((y, i) => $"r{i},{i * 0.1},{y}\n")));
        var yaml = $"name: tiny\nkind: search\ndataset: {{path: d.csv, target: y, task: binary, id_column: id}}\nsearch: {{trials: 5, {Space}}}\n";

        var submission = CampaignSubmission.Prepare(yaml, _folder);

        Assert.Empty(submission.Trials);
        Assert.Equal("search", submission.Campaign.Kind);
        Assert.Equal(
            [
                "test.fraction: the test part holds 1 row of the 5; test metrics on fewer than 30 rows are mostly noise: "
                    + "use more data or a larger test.fraction",
                "search.validation_fraction: each trial validates on 1 row of the 4 outside the test part; early stopping and "
                    + "validation metrics on fewer than 10 rows follow noise: use more data or a larger validation_fraction",
                "test.fraction: the test part has no row of class 1, so the test metrics cannot show how the trials do on it: "
                    + "use more data or a larger test.fraction",
                "search.validation_fraction: no trial's validation part has a row of class 1, so the trials' validation metrics "
                    + "and early stopping ignore it: use more data or a larger validation_fraction",
            ],
            submission.Warnings);
    }

    [Fact]
    public void An_unstratified_search_part_that_misses_a_class_says_it_of_the_one_part_rather_than_a_chance()
    {
        // 10 of 200 rows are class 1: the stratified test part takes 2, leaving 8 of 160; the one random validation part of 32 has none.
        var labels = Enumerable.Repeat(0, 190).Concat(Enumerable.Repeat(1, 10)).ToArray();
        var data = new Dataset(["x"], labels.Select((_, i) => (float)i).ToArray(), ["y"], labels.Select(y => (float)y).ToArray(), TaskKind.Binary, 2);
        var spec = Enumerable.Range(0, 100).Select(seed => SpecParser.Parse(
                $"name: s\nkind: search\nseed: {seed}\ndataset: {{path: d.csv, target: y, task: binary}}\nsearch: {{trials: 5, stratified: false, {Space}}}\n", "/tmp"))
            .First(s => MemberData.SplitRows(s, data, CampaignPlan.Create(s, data).TestSet, SearchTrials.SeedsFor(s, 0).SplitSeed).Validation.All(r => labels[r] == 0));

        var warnings = SmallDataWarnings.For(spec, data, CampaignPlan.Create(spec, data));

        Assert.Equal(
            "search.validation_fraction: no trial's validation part has a row of class 1, so the trials' validation metrics and early stopping "
                + "ignore it: search.stratified: true keeps each class's share in it",
            Assert.Single(warnings));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
