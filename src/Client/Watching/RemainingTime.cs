using EnsembleFarm.Store;

namespace EnsembleFarm.Client.Watching;

/// <summary>
/// Estimates how long a campaign still needs: the mean duration of its completed trials times the work
/// left, shared by the slots of the silos that are alive. A running trial counts for the part of the mean
/// it has not yet spent. Null when there is nothing to base it on (no trial completed yet, or no live silo).
/// </summary>
internal static class RemainingTime
{
    /// <summary>A silo that has not sent a heartbeat for this long is presumed gone and its slots not counted.</summary>
    public static readonly TimeSpan SiloSilenceLimit = TimeSpan.FromMinutes(1);

    public static TimeSpan? Estimate(IReadOnlyList<TrialRecord> trials, IReadOnlyList<SiloRecord> silos, DateTimeOffset now)
    {
        var durations = trials
            .Where(t => t.State == TrialState.Completed && t.StartedAt is not null && t.FinishedAt is not null)
            .Select(t => (t.FinishedAt!.Value - t.StartedAt!.Value).TotalSeconds)
            .ToList();
        if (durations.Count == 0) return null;
        var meanSeconds = durations.Average();

        var slots = LiveSlots(silos, now);
        if (slots == 0) return null;

        // Slot-seconds of work left, and the longest single piece: however many slots there are, the
        // campaign cannot end before its longest remaining trial does.
        var workSeconds = 0.0;
        var longestSeconds = 0.0;
        foreach (var trial in trials)
        {
            var left = trial.State switch
            {
                TrialState.Queued => meanSeconds,
                TrialState.Running => Math.Max(0, meanSeconds - (trial.StartedAt is { } started ? (now - started).TotalSeconds : 0)),
                _ => 0,
            };
            workSeconds += left * trial.Slots;
            longestSeconds = Math.Max(longestSeconds, left);
        }
        return TimeSpan.FromSeconds(Math.Max(workSeconds / slots, longestSeconds));
    }

    /// <summary>Slots of the silos that are active and have sent a heartbeat recently.</summary>
    public static int LiveSlots(IReadOnlyList<SiloRecord> silos, DateTimeOffset now) =>
        silos.Where(s => s.State == SiloState.Active && now - s.LastHeartbeat <= SiloSilenceLimit).Sum(s => s.Slots.Count);
}
