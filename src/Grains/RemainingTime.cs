using EnsembleFarm.Store;

namespace EnsembleFarm.Grains;

/// <summary>
/// Estimates how long a campaign still needs: the mean duration of its completed trials times the work left, shared by
/// the live slots. A running trial counts for the part of the mean it has not yet spent. Null when there is nothing to
/// base it on (no trial completed yet, or no live slot).
/// </summary>
/// <remarks>
/// A search creates its trials as slots free up: those its budget still allows (<c>unplanned</c>) are work left too,
/// each at the mean duration (pruned trials end sooner, so a search with a pruner is estimated on the long side).
/// </remarks>
internal static class RemainingTime
{
    public static TimeSpan? Estimate(IEnumerable<TrialRecord> trials, int liveSlots, DateTimeOffset now, (int Trials, int Slots) unplanned = default)
    {
        var all = trials as IReadOnlyCollection<TrialRecord> ?? [.. trials];
        var durations = all
            .Where(t => t.State == TrialState.Completed && t.StartedAt is not null && t.FinishedAt is not null)
            .Select(t => (t.FinishedAt!.Value - t.StartedAt!.Value).TotalSeconds)
            .ToList();
        if (durations.Count == 0 || liveSlots == 0) return null;
        var meanSeconds = durations.Average();

        // Slot-seconds of work left, and the longest single piece: however many slots there are, the campaign cannot
        // end before its longest remaining trial does.
        var workSeconds = 0.0;
        var longestSeconds = 0.0;
        foreach (var trial in all)
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
        if (unplanned.Trials > 0)
        {
            workSeconds += unplanned.Trials * meanSeconds * unplanned.Slots;
            longestSeconds = Math.Max(longestSeconds, meanSeconds);
        }
        return TimeSpan.FromSeconds(Math.Max(workSeconds / liveSlots, longestSeconds));
    }
}
