using EnsembleFarm.Store;

namespace EnsembleFarm.Grains.Tests;

/// <summary>The time-left estimate watchers show: the mean completed trial times the work left, over the live slots.</summary>
public sealed class RemainingTimeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static TrialRecord Trial(int index, TrialState state, double? startedSecondsAgo = null, double? seconds = null)
    {
        var started = startedSecondsAgo is { } ago ? Now.AddSeconds(-ago) : (DateTimeOffset?)null;
        var finished = started is { } s && seconds is { } d ? s.AddSeconds(d) : (DateTimeOffset?)null;
        return new TrialRecord(index, 1, index, state, 1, "{}", 0, 0, 1, null, null, started, finished, null);
    }

    [Fact]
    public void Nothing_completed_or_no_live_slot_gives_no_estimate()
    {
        Assert.Null(RemainingTime.Estimate([Trial(0, TrialState.Queued)], liveSlots: 2, Now));
        Assert.Null(RemainingTime.Estimate([Trial(0, TrialState.Completed, 100, 10), Trial(1, TrialState.Queued)], liveSlots: 0, Now));
    }

    [Fact]
    public void Queued_and_running_work_is_shared_by_the_live_slots()
    {
        // Mean 10 s; four queued (40 s) and one running for 4 s (6 s left) on two slots: 23 s.
        TrialRecord[] trials =
        [
            Trial(0, TrialState.Completed, 100, 8), Trial(1, TrialState.Completed, 100, 12), Trial(2, TrialState.Running, 4),
            .. Enumerable.Range(3, 4).Select(i => Trial(i, TrialState.Queued)),
        ];

        Assert.Equal(TimeSpan.FromSeconds(23), RemainingTime.Estimate(trials, liveSlots: 2, Now));
    }

    [Fact]
    public void A_search_counts_the_trials_its_budget_still_allows_as_work_left()
    {
        // Mean 10 s, nothing queued, six more trials of 1 slot to propose on three slots: 20 s, not zero.
        TrialRecord[] trials = [Trial(0, TrialState.Completed, 100, 10), Trial(1, TrialState.Pruned, 90, 2)];

        Assert.Equal(TimeSpan.Zero, RemainingTime.Estimate(trials, liveSlots: 3, Now));
        Assert.Equal(TimeSpan.FromSeconds(20), RemainingTime.Estimate(trials, liveSlots: 3, Now, unplanned: (6, 1)));
        // One slot: the last trial alone would take the mean; six take six means.
        Assert.Equal(TimeSpan.FromSeconds(60), RemainingTime.Estimate(trials, liveSlots: 1, Now, unplanned: (6, 1)));
    }
}
