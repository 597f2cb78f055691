using EnsembleFarm.Domain.Planning;
using EnsembleFarm.Domain.Search;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Models;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Planning;

/// <summary>An ensemble of the best configurations of a finished search (<c>ensemble.from_search</c>).</summary>
public sealed class EnsembleFromSearchTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("efarm-from-search-").FullName;

    private const string Header = "name: best\nkind: ensemble\nseed: 3\ndataset: {path: data.csv, target: y, task: binary, id_column: id}\n";

    private static readonly IReadOnlyDictionary<string, ParamValue> Best = new Dictionary<string, ParamValue>
    {
        ["training.optimizer.learning_rate"] = 0.003, ["model.activation"] = "gelu",
    };

    private static readonly IReadOnlyDictionary<string, ParamValue> Second = new Dictionary<string, ParamValue>
    {
        ["model.depth"] = 2, ["model.width_1"] = 64, ["model.width_2"] = 16,
    };

    public EnsembleFromSearchTests() =>
        File.WriteAllText(Path.Combine(_folder, "data.csv"), "id,x,y\n" + string.Concat(Enumerable.Range(0, 100).Select(i => $"r{i},{i * 0.1},{i % 2}\n")));

    [Fact]
    public void The_spec_names_the_search_and_how_many_of_its_best_configurations_top_defaulting_to_one()
    {
        var spec = SpecParser.Parse(Header + "ensemble: {members: 10, from_search: {campaign: 12, top: 3}}\n", "/specs");
        var one = SpecParser.Parse(Header + "ensemble: {from_search: {campaign: 7}}\n", "/specs");

        Assert.Equal(new FromSearchSpec(12, 3), spec.Ensemble!.FromSearch);
        Assert.Equal(10, spec.Ensemble.Members);
        Assert.Equal(new FromSearchSpec(7, 1), one.Ensemble!.FromSearch);
        Assert.Null(SpecParser.Parse(Header, "/specs").Ensemble!.FromSearch);
    }

    [Theory]
    [InlineData("{from_search: {top: 2}}", "ensemble.from_search.campaign", "is required: the id of the search campaign, as farm list shows it")]
    [InlineData("{from_search: {campaign: 0}}", "ensemble.from_search.campaign", "must be a whole number from 1 to 2147483647, got '0'")]
    [InlineData("{from_search: {campaign: 3, top: 0}}", "ensemble.from_search.top", "must be a whole number from 1 to 1000, got '0'")]
    [InlineData("{members: 60000, from_search: {campaign: 3, top: 2}}", "ensemble.from_search.top",
        "2 configurations of 60000 members make 120000 trials; an ensemble has at most 100000: lower top or ensemble.members")]
    [InlineData("{from_search: {campaign: 3, best: 2}}", "ensemble.from_search.best", "unknown field 'best'; allowed here: campaign, top")]
    [InlineData("{from_search: 3}", "ensemble.from_search", "must be a mapping of fields, got '3'")]
    public void A_wrong_from_search_is_refused_with_the_field_and_what_is_allowed(string ensemble, string path, string message)
    {
        var error = Assert.Single(Assert.Throws<SpecException>(() => SpecParser.Parse(Header + $"ensemble: {ensemble}\n", "/specs")).Errors);

        Assert.Equal((path, message), (error.Path, error.Message));
    }

    [Fact]
    public void Without_the_configurations_the_farm_looks_up_the_submission_is_refused_on_from_search()
    {
        var error = Assert.Throws<SpecException>(() =>
            CampaignSubmission.Prepare(Header + "ensemble: {members: 4, from_search: {campaign: 12, top: 3}}\n", _folder, "best.yaml", []));

        Assert.Equal(
            "The campaign spec best.yaml has 1 error:\n  best.yaml: ensemble.from_search: no configuration of search campaign 12 was given; the farm passes "
                + "that search's best 3 completed configurations, so it needs a search with at least one completed trial",
            error.Message);
        Assert.Throws<SpecException>(() => CampaignSubmission.Prepare(Header + "ensemble: {from_search: {campaign: 12}}\n", _folder));
    }

    [Fact]
    public void Each_configuration_gets_the_members_indexed_configuration_by_configuration_and_seeded_by_index()
    {
        var submission = CampaignSubmission.Prepare(Header + "ensemble: {members: 4, from_search: {campaign: 12, top: 3}}\n", _folder, null, [Best, Second]);

        var trials = submission.Trials;
        Assert.Equal(Enumerable.Range(0, 8), trials.Select(t => t.Index));
        Assert.All(trials.Take(4), t => Assert.Equal(SearchParameters.ToJson(Best), t.ParamsJson));
        Assert.All(trials.Skip(4), t => Assert.Equal(SearchParameters.ToJson(Second), t.ParamsJson));
        Assert.All(trials, t => Assert.Equal((Rng.Derive(3, 2UL * (ulong)t.Index), Rng.Derive(3, 2UL * (ulong)t.Index + 1)), (t.SplitSeed, t.InitSeed)));
        Assert.Equal("ensemble", submission.Campaign.Kind);
        // what a member trains: the spec with its configuration set
        var member = submission.Spec.ForTrial(SearchParameters.FromJson(trials[5].ParamsJson));
        Assert.Equal([64, 16], member.Model.Hidden);
    }

    [Fact]
    public void Configurations_that_do_not_fit_the_spec_are_refused_on_from_search_each_with_its_rank()
    {
        var unknown = new Dictionary<string, ParamValue> { ["training.lr"] = 0.1 };

        var error = Assert.Single(Assert.Throws<SpecException>(() =>
            CampaignSubmission.Prepare(Header + "ensemble: {members: 2, from_search: {campaign: 5, top: 2}}\n", _folder, null, [Best, unknown])).Errors);

        Assert.Equal("ensemble.from_search", error.Path);
        Assert.StartsWith("configuration 2 of search campaign 5 does not fit this spec: 'training.lr' is not a searchable field;", error.Message);
    }

    [Fact]
    public void More_configurations_than_asked_for_or_any_for_an_ensemble_that_names_no_search_are_a_caller_error()
    {
        var tooMany = Assert.Throws<ArgumentException>(() =>
            CampaignSubmission.Prepare(Header + "ensemble: {members: 2, from_search: {campaign: 5}}\n", _folder, null, [Best, Second]));
        var unasked = Assert.Throws<ArgumentException>(() => CampaignSubmission.Prepare(Header, _folder, null, [Best]));

        Assert.StartsWith("2 configurations are given, but ensemble.from_search asks for the best 1", tooMany.Message);
        Assert.StartsWith("configurations of a search are given to campaign 'best', whose ensemble names no from_search", unasked.Message);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
