using System.Globalization;
using EnsembleFarm.Store;

namespace EnsembleFarm.Client.Output;

/// <summary>How times, durations, states and numbers look in every command's output (one place, one style).</summary>
internal static class Formats
{
    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";

    /// <summary>h:mm:ss (or m:ss under an hour): short and sortable by eye.</summary>
    public static string Duration(TimeSpan? duration)
    {
        if (duration is not { } d) return "-";
        if (d < TimeSpan.Zero) d = TimeSpan.Zero;
        return d.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalHours}:{d.Minutes:00}:{d.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{d.Minutes}:{d.Seconds:00}");
    }

    public static string State(CampaignState state) => state.ToString().ToLowerInvariant();

    public static string State(TrialState state) => state.ToString().ToLowerInvariant();

    public static string Number(double value) =>
        double.IsNaN(value) ? "n/a" : value.ToString("0.0000", CultureInfo.InvariantCulture);

    public static string Counts(CampaignProgress p) =>
        $"completed {p.Completed}, running {p.Running}, queued {p.Queued}, failed {p.Failed}, cancelled {p.Cancelled}, pruned {p.Pruned}";

    public static bool HasEnded(CampaignState state) =>
        state is CampaignState.Completed or CampaignState.Failed or CampaignState.Cancelled;
}
