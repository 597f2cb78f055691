using EnsembleFarm.Client.Watching;
using EnsembleFarm.Store;

namespace EnsembleFarm.Client.Tests;

public sealed class RemainingTimeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static TrialRecord Trial(int index, TrialState state, double? startedSecondsAgo = null, double? durationSeconds = null)
    {
        DateTimeOffset? started = startedSecondsAgo is { } ago ? Now.AddSeconds(-ago) : null;
        DateTimeOffset? finished = started is { } s && durationSeconds is { } d ? s.AddSeconds(d) : null;
        return new TrialRecord(index, 1, index, state, 1, "{}", 0, 0, 1, null, null, started, finished, null);
    }

    private static SiloRecord Silo(string id, int slots, SiloState state = SiloState.Active, double silentSeconds = 1) =>
        new(id, "host", 1, Enumerable.Range(0, slots).Select(i => $"cpu{i}").ToArray(), state, Now.AddHours(-1), Now.AddSeconds(-silentSeconds));

    [Fact]
    public void Queued_work_is_shared_by_the_live_slots()
    {
        TrialRecord[] trials =
        [
            Trial(0, TrialState.Completed, 100, 10), Trial(1, TrialState.Completed, 100, 30),
            .. Enumerable.Range(2, 8).Select(i => Trial(i, TrialState.Queued)),
        ];

        var remaining = RemainingTime.Estimate(trials, [Silo("a", 2), Silo("b", 2)], Now);

        Assert.Equal(TimeSpan.FromSeconds(8 * 20 / 4.0), remaining);
    }

    [Fact]
    public void A_running_trial_counts_for_what_it_has_left_of_the_mean()
    {
        TrialRecord[] trials = [Trial(0, TrialState.Completed, 100, 20), Trial(1, TrialState.Running, 5)];

        var remaining = RemainingTime.Estimate(trials, [Silo("a", 4)], Now);

        Assert.Equal(TimeSpan.FromSeconds(15), remaining);
    }

    [Fact]
    public void Silent_draining_and_stopped_silos_do_not_count()
    {
        TrialRecord[] trials = [Trial(0, TrialState.Completed, 100, 10), Trial(1, TrialState.Queued), Trial(2, TrialState.Queued)];
        SiloRecord[] silos = [Silo("a", 1), Silo("dead", 4, silentSeconds: 600), Silo("leaving", 4, SiloState.Draining), Silo("gone", 4, SiloState.Stopped)];

        Assert.Equal(1, RemainingTime.LiveSlots(silos, Now));
        Assert.Equal(TimeSpan.FromSeconds(20), RemainingTime.Estimate(trials, silos, Now));
    }

    [Fact]
    public void Unknown_without_a_completed_trial_or_a_live_silo()
    {
        Assert.Null(RemainingTime.Estimate([Trial(0, TrialState.Queued)], [Silo("a", 1)], Now));
        Assert.Null(RemainingTime.Estimate([Trial(0, TrialState.Completed, 100, 10), Trial(1, TrialState.Queued)], [], Now));
    }
}
