using EnsembleFarm.Client.Watching;
using EnsembleFarm.Store;

namespace EnsembleFarm.Client.Tests;

public sealed class WatchSnapshotTests
{
    private static WatchSnapshot Snapshot(CampaignState state, TimeSpan? remaining, int liveSlots) => new(
        new CampaignRecord(7, "c", "ensemble", "spec", "data.csv", new string('0', 64), state, 3, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null, null),
        new CampaignProgress(Queued: 46, Running: 2, Completed: 11, Pruned: 0, Failed: 1, Cancelled: 0),
        TimeSpan.FromSeconds(62),
        remaining,
        liveSlots);

    [Fact]
    public void A_running_campaign_shows_counts_elapsed_and_remaining_time()
    {
        var snapshot = Snapshot(CampaignState.Running, TimeSpan.FromSeconds(250), liveSlots: 2);

        Assert.Equal("running: 12/60 done (completed 11, failed 1, cancelled 0), running 2, queued 46, elapsed 1:02, remaining ~4:10", snapshot.Summary);
        Assert.Equal("12/60 · 2 running · 46 queued · 1 failed · 1:02 · ~4:10 left", snapshot.LiveSummary);
    }

    [Fact]
    public void Without_a_live_silo_it_says_so_instead_of_a_remaining_time()
    {
        var snapshot = Snapshot(CampaignState.Queued, remaining: null, liveSlots: 0);

        Assert.EndsWith("elapsed 1:02, no live silo (start one: farm-silo)", snapshot.Summary);
        Assert.EndsWith("· 1:02 · no live silo", snapshot.LiveSummary);
    }

    [Fact]
    public void An_ended_campaign_has_no_outlook()
    {
        var snapshot = Snapshot(CampaignState.Failed, remaining: null, liveSlots: 0);

        Assert.EndsWith("elapsed 1:02", snapshot.Summary);
        Assert.EndsWith("· 1:02 · failed", snapshot.LiveSummary);
    }
}
