using System.Globalization;
using EnsembleFarm.Client.Output;
using EnsembleFarm.GrainInterfaces;

namespace EnsembleFarm.Client.Watching;

/// <summary>How a campaign's progress reads, in a log line and beside a live bar.</summary>
internal static class UpdateText
{
    /// <summary>"running: 12/60 done (completed 12, failed 0, cancelled 0), running 2, queued 46, elapsed 1:02, remaining ~4:10".</summary>
    public static string Line(CampaignUpdate update, DateTimeOffset now)
    {
        var p = update.Progress;
        var pruned = update.Search is null ? "" : $", pruned {p.Pruned}";
        return $"{Formats.State(update.Campaign.State)}: {p.Finished}/{Planned(update)} done (completed {p.Completed}{pruned}, failed {p.Failed}, " +
               $"cancelled {p.Cancelled}), running {p.Running}, queued {p.Queued}{Best(update, ", ")}, elapsed {Formats.Duration(Elapsed(update, now))}" +
               Outlook(update, remaining => $", remaining {remaining}", waiting => $", waiting: {waiting}");
    }

    /// <summary>The same, short enough to sit beside a progress bar on an 80-column terminal.</summary>
    public static string Live(CampaignUpdate update, DateTimeOffset now)
    {
        var p = update.Progress;
        var end = update.Campaign.HasEnded
            ? $" · {Formats.State(update.Campaign.State)}"
            : Outlook(update, remaining => $" · {remaining} left", waiting => $" · {waiting}");
        var pruned = update.Search is null ? "" : $" · {p.Pruned} pruned";
        return $"{p.Completed}/{Planned(update)} · {p.Running} running · {p.Queued} queued{pruned} · {p.Failed} failed{Best(update, " · ")} · " +
               $"{Formats.Duration(Elapsed(update, now))}{end}";
    }

    /// <summary>How many trials the campaign will have: a search's budget (it creates trials as it goes), else its trials.</summary>
    public static int Planned(CampaignUpdate update) =>
        update.Search is { } search && !update.Campaign.HasEnded ? Math.Max(search.Budget, update.Progress.Total) : update.Progress.Total;

    private static string Best(CampaignUpdate update, string separator) =>
        update.Search is { Best: { } best, BestTrial: { } trial } search
            ? $"{separator}best {search.Metric} {best.ToString("G4", CultureInfo.InvariantCulture)} (trial {trial})"
            : "";

    /// <summary>
    /// What must change for a new line: the state, a trial ending, or why work waits. Trials starting are not news on
    /// their own (a line per start would double the log); the next line shows them.
    /// </summary>
    public static object Key(CampaignUpdate update) =>
        (update.Campaign.State, update.Progress.Finished, update.Progress.Failed, update.Progress.Cancelled, update.Waiting);

    private static TimeSpan Elapsed(CampaignUpdate update, DateTimeOffset now) =>
        (update.Campaign.FinishedAt ?? now) - (update.Campaign.StartedAt ?? update.Campaign.CreatedAt);

    private static string Outlook(CampaignUpdate update, Func<string, string> remaining, Func<string, string> waiting)
    {
        if (update.Campaign.HasEnded) return "";
        if (update.Waiting is { } why) return waiting(why);
        return remaining(update.Remaining is { } r ? "~" + Formats.Duration(r) : "unknown");
    }
}
