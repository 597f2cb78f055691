using EnsembleFarm.Client.Connection;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;
using Spectre.Console;

namespace EnsembleFarm.Client.Watching;

/// <summary>
/// Follows a campaign as the farm pushes its changes: a live bar on a terminal, a plain line per change otherwise.
/// Stopping the watcher (Ctrl+C) leaves the campaign running.
/// </summary>
/// <param name="progressOut">Where progress goes: stdout for <c>watch</c>, stderr for <c>submit --wait</c> (its stdout is the id alone).</param>
internal sealed class CampaignWatcher(CliEnvironment environment, TextWriter progressOut)
{
    /// <summary>Follows until the campaign has ended and returns its last update.</summary>
    public async Task<CampaignUpdate> WatchAsync(IFarmConnection farm, long campaignId, CancellationToken ct)
    {
        try
        {
            var updates = farm.WatchAsync(campaignId, note => progressOut.WriteLine($"campaign {campaignId}: {note}"), ct);
            return environment.Interactive && progressOut == environment.Out
                ? await WatchLiveAsync(updates, campaignId)
                : await WatchPlainAsync(updates, campaignId, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw new FarmCliException(FarmExitCodes.Interrupted,
                $"stopped watching; campaign {campaignId} keeps running ('farm watch {campaignId}' to follow it again)");
        }
    }

    private async Task<CampaignUpdate> WatchPlainAsync(IAsyncEnumerable<CampaignUpdate> updates, long campaignId, CancellationToken ct)
    {
        CampaignUpdate? last = null;
        object? printed = null;
        await foreach (var update in updates)
        {
            last = update;
            if (Equals(printed, UpdateText.Key(update))) continue;
            printed = UpdateText.Key(update);
            await progressOut.WriteLineAsync($"campaign {campaignId} {UpdateText.Line(update, DateTimeOffset.UtcNow)}");
            await progressOut.FlushAsync(ct);
        }
        return last ?? throw FarmCli.NotFound(campaignId);
    }

    private async Task<CampaignUpdate> WatchLiveAsync(IAsyncEnumerable<CampaignUpdate> updates, long campaignId)
    {
        await using var enumerator = updates.GetAsyncEnumerator();
        if (!await enumerator.MoveNextAsync()) throw FarmCli.NotFound(campaignId);
        var first = enumerator.Current;
        var console = environment.CreateConsole();
        console.WriteLine(first.Search is null
            ? $"campaign {campaignId} '{first.Campaign.Name}': {first.Progress.Total} trials"
            : $"campaign {campaignId} '{first.Campaign.Name}': a search of up to {first.Search.Budget} trials");
        return await console.Progress()
            .AutoClear(false)
            .Columns(new ProgressBarColumn { Width = 20 }, new TaskDescriptionColumn { Alignment = Justify.Left })
            .StartAsync(async context =>
            {
                var bar = context.AddTask(Markup.Escape(UpdateText.Live(first, DateTimeOffset.UtcNow)), maxValue: Math.Max(1, UpdateText.Planned(first)));
                var update = first;
                while (true)
                {
                    // The bar fills with completed members only: a cancelled or failed campaign never looks done. A search
                    // counts pruned trials too (they are its work done), and may end below its budget (no improvement, a
                    // finished grid).
                    bar.MaxValue = Math.Max(1, UpdateText.Planned(update));
                    bar.Value = update.Progress.Completed + (update.Search is null ? 0 : update.Progress.Pruned);
                    bar.Description = Markup.Escape(UpdateText.Live(update, DateTimeOffset.UtcNow));
                    context.Refresh();
                    if (update.Campaign.HasEnded || !await enumerator.MoveNextAsync()) return update;
                    update = enumerator.Current;
                }
            });
    }

    /// <summary>0 when the campaign completed, 1 when it failed or was cancelled; its end is reported on the way.</summary>
    public async Task<int> ReportEndAsync(CampaignUpdate last)
    {
        var (campaign, progress) = (last.Campaign, last.Progress);
        if (campaign.State == CampaignState.Completed)
        {
            var rules = last.Search is not null ? "its best trials" : campaign.Task == "regression" ? "mean vs median" : "average vs vote";
            await progressOut.WriteLineAsync($"campaign {campaign.Id} completed ('farm results {campaign.Id}' for {rules})");
            return FarmExitCodes.Ok;
        }
        var reason = campaign.Error is null ? "" : $": {campaign.Error}";
        await environment.Error.WriteLineAsync(
            $"campaign {campaign.Id} {campaign.State.ToString().ToLowerInvariant()} with {progress.Completed} of {progress.Total} members completed{reason}");
        return FarmExitCodes.CampaignNotCompleted;
    }
}
