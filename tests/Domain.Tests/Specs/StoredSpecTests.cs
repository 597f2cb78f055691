using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Store;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Specs;

/// <summary>How many trials a listed campaign will have: what <c>farm list</c> counts a campaign's progress against.</summary>
public sealed class StoredSpecTests
{
    private const string SearchYaml = """
        name: tune
        kind: search
        dataset: {path: d.csv, target: y, task: binary}
        search:
          trials: 40
          space:
            training.optimizer.learning_rate: {float: [1.0e-4, 1.0], log: true}
        """;

    private static CampaignRecord Campaign(string kind, string yaml, CampaignState state) =>
        new(1, "tune", kind, "binary", yaml, "/data/d.csv", "sha", state, 3, DateTimeOffset.UnixEpoch, null, null, null);

    private static readonly CampaignProgress SevenSoFar = new(1, 2, 3, 1, 0, 0);

    [Fact]
    public void A_running_search_counts_against_its_budget()
    {
        Assert.True(StoredSpec.IsSearch(Campaign("search", SearchYaml, CampaignState.Running)));
        Assert.Equal(40, StoredSpec.PlannedTrials(Campaign("search", SearchYaml, CampaignState.Running), SevenSoFar));
    }

    [Fact]
    public void An_ended_search_or_an_ensemble_counts_the_trials_it_has()
    {
        Assert.Equal(7, StoredSpec.PlannedTrials(Campaign("search", SearchYaml, CampaignState.Completed), SevenSoFar));
        Assert.False(StoredSpec.IsSearch(Campaign("ensemble", "name: e", CampaignState.Running)));
        Assert.Equal(7, StoredSpec.PlannedTrials(Campaign("ensemble", "name: e", CampaignState.Running), SevenSoFar));
    }

    [Fact]
    public void A_stored_spec_this_build_cannot_read_counts_its_trials_instead_of_failing_the_listing()
    {
        Assert.Equal(7, StoredSpec.PlannedTrials(Campaign("nas", "kind: nas\nsearch: {trials: [oops", CampaignState.Running), SevenSoFar));
    }
}
