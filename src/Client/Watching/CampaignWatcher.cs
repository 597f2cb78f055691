using EnsembleFarm.Client.Output;
using EnsembleFarm.Store;
using Spectre.Console;

namespace EnsembleFarm.Client.Watching;

/// <summary>One look at a campaign's progress.</summary>
/// <param name="LiveSlots">Slots of the silos that are alive (<see cref="RemainingTime.LiveSlots"/>): none means nothing will progress.</param>
internal sealed record WatchSnapshot(CampaignRecord Campaign, CampaignProgress Progress, TimeSpan Elapsed, TimeSpan? Remaining, int LiveSlots)
{
    /// <summary>"running: 12/60 done (completed 12, failed 0, cancelled 0), running 2, queued 46, elapsed 1:02, remaining ~4:10".</summary>
    public string Summary =>
        $"{Formats.State(Campaign.State)}: {Progress.Finished}/{Progress.Total} done (completed {Progress.Completed}, failed {Progress.Failed}, " +
        $"cancelled {Progress.Cancelled}), running {Progress.Running}, queued {Progress.Queued}, elapsed {Formats.Duration(Elapsed)}" +
        Outlook(remaining => $", remaining {remaining}", ", no live silo (start one: farm-silo)");

    /// <summary>The same, short enough to sit beside a progress bar on an 80-column terminal.</summary>
    public string LiveSummary =>
        $"{Progress.Finished}/{Progress.Total} · {Progress.Running} running · {Progress.Queued} queued · {Progress.Failed} failed · " +
        $"{Formats.Duration(Elapsed)}" +
        (Formats.HasEnded(Campaign.State) ? $" · {Formats.State(Campaign.State)}" : Outlook(remaining => $" · {remaining} left", " · no live silo"));

    /// <summary>What lies ahead of a campaign that has not ended: its remaining time, or that no silo is there to run it.</summary>
    private string Outlook(Func<string, string> remaining, string noSilo)
    {
        if (Formats.HasEnded(Campaign.State)) return "";
        if (LiveSlots == 0) return noSilo;
        return remaining(Remaining is { } r ? "~" + Formats.Duration(r) : "unknown");
    }
}

/// <summary>
/// Follows a campaign until it ends: a live progress bar on a terminal, a plain line per change otherwise.
/// Only reads the store, so stopping the watcher (Ctrl+C) leaves the campaign running.
/// </summary>
internal sealed class CampaignWatcher(IFarmStore store, CliEnvironment environment, TimeSpan pollInterval)
{
    /// <summary>Watches until the campaign has ended and returns its final record.</summary>
    public async Task<CampaignRecord> WatchAsync(long campaignId, CancellationToken ct)
    {
        try
        {
            return environment.Interactive ? await WatchLiveAsync(campaignId, ct) : await WatchPlainAsync(campaignId, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw new FarmCliException(ExitCodes.Interrupted,
                $"stopped watching; campaign {campaignId} keeps running ('farm watch {campaignId}' to follow it again)");
        }
    }

    public async Task<WatchSnapshot> SnapshotAsync(long campaignId, CancellationToken ct)
    {
        var campaign = await FarmCli.RequireCampaignAsync(store, campaignId, ct);
        var progress = await store.GetProgressAsync(campaignId, ct);
        var now = DateTimeOffset.UtcNow;
        var elapsed = (campaign.FinishedAt ?? now) - (campaign.StartedAt ?? campaign.CreatedAt);
        if (Formats.HasEnded(campaign.State)) return new WatchSnapshot(campaign, progress, elapsed, null, 0);
        var silos = await store.ListSilosAsync(ct);
        var remaining = RemainingTime.Estimate(await store.GetTrialsAsync(campaignId, ct), silos, now);
        return new WatchSnapshot(campaign, progress, elapsed, remaining, RemainingTime.LiveSlots(silos, now));
    }

    private async Task<CampaignRecord> WatchPlainAsync(long campaignId, CancellationToken ct)
    {
        (CampaignState, CampaignProgress, bool)? printed = null;
        while (true)
        {
            var snapshot = await SnapshotAsync(campaignId, ct);
            // a line when something moved, or when silos appear or all go away
            var state = (snapshot.Campaign.State, snapshot.Progress, snapshot.LiveSlots > 0);
            if (printed != state)
            {
                await environment.Out.WriteLineAsync($"campaign {campaignId} {snapshot.Summary}");
                await environment.Out.FlushAsync(ct);
                printed = state;
            }
            if (Formats.HasEnded(snapshot.Campaign.State)) return snapshot.Campaign;
            await Task.Delay(pollInterval, ct);
        }
    }

    private async Task<CampaignRecord> WatchLiveAsync(long campaignId, CancellationToken ct)
    {
        var first = await SnapshotAsync(campaignId, ct);
        var console = environment.CreateConsole();
        console.WriteLine($"campaign {campaignId} '{first.Campaign.Name}': {first.Progress.Total} trials");
        var final = await console.Progress()
            .AutoClear(false)
            .Columns(new ProgressBarColumn { Width = 20 }, new TaskDescriptionColumn { Alignment = Justify.Left })
            .StartAsync(async context =>
            {
                var bar = context.AddTask(Markup.Escape(first.LiveSummary), maxValue: Math.Max(1, first.Progress.Total));
                var snapshot = first;
                while (true)
                {
                    bar.Value = snapshot.Progress.Finished;
                    bar.Description = Markup.Escape(snapshot.LiveSummary);
                    context.Refresh();
                    if (Formats.HasEnded(snapshot.Campaign.State)) return snapshot.Campaign;
                    await Task.Delay(pollInterval, ct);
                    snapshot = await SnapshotAsync(campaignId, ct);
                }
            });
        return final;
    }

    /// <summary>0 when the campaign completed, 1 when it failed or was cancelled; its end is reported on the way.</summary>
    public async Task<int> ReportEndAsync(CampaignRecord campaign)
    {
        if (campaign.State == CampaignState.Completed)
        {
            await environment.Out.WriteLineAsync($"campaign {campaign.Id} completed ('farm results {campaign.Id}' for average vs vote)");
            return ExitCodes.Ok;
        }
        var reason = campaign.Error is null ? "" : $": {campaign.Error}";
        await environment.Error.WriteLineAsync($"campaign {campaign.Id} {Formats.State(campaign.State)}{reason}");
        return ExitCodes.CampaignNotCompleted;
    }
}
