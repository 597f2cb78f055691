using System.Globalization;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.Domain.Statistics;
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

    /// <summary>A value and its interval: "0.9230 [0.9185, 0.9276]"; the value alone when there is no interval.</summary>
    public static string WithInterval(double? value, ConfidenceInterval? interval) =>
        value is not { } v ? "n/a" : interval is { } i ? $"{Number(v)} [{Number(i.Lower)}, {Number(i.Upper)}]" : Number(v);

    /// <summary>A difference, signed so that its direction reads at a glance: "+0.0130 [+0.0100, +0.0160]".</summary>
    public static string Difference(MetricDifference? difference)
    {
        if (difference is null) return "n/a";
        var text = Signed(difference.Difference);
        return difference.Interval is { } i ? $"{text} [{Signed(i.Lower)}, {Signed(i.Upper)}]" : text;
    }

    /// <summary>Four decimals down to 0.0001, then scientific: small p-values keep their order of magnitude.</summary>
    public static string PValue(double? p) => p switch
    {
        null => "n/a",
        < 1e-4 => p.Value.ToString("0.0e+00", CultureInfo.InvariantCulture),
        _ => p.Value.ToString("0.0000", CultureInfo.InvariantCulture),
    };

    private static string Signed(double value) => value.ToString("+0.0000;-0.0000;0.0000", CultureInfo.InvariantCulture);

    public static string Counts(CampaignProgress p) =>
        $"completed {p.Completed}, running {p.Running}, queued {p.Queued}, failed {p.Failed}, cancelled {p.Cancelled}, pruned {p.Pruned}";

    public static bool HasEnded(CampaignState state) =>
        state is CampaignState.Completed or CampaignState.Failed or CampaignState.Cancelled;
}
