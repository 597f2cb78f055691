using System.CommandLine;
using System.Globalization;
using EnsembleFarm.Client.Connection;
using EnsembleFarm.Client.Output;
using EnsembleFarm.Domain.Search;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;
using Spectre.Console;

namespace EnsembleFarm.Client.Commands;

/// <summary><c>farm status ID</c>: the campaign's state, counts by trial state, and every trial's line.</summary>
internal static class StatusCommand
{
    public static Command Create(FarmCli cli)
    {
        var id = CampaignIdArgument.Create();
        var command = new Command("status", "Show a campaign's state and its trials") { id };
        command.SetAction((parse, ct) => cli.RunWithFarmAsync(parse, FarmNeed.ReadsOnly, async (farm, token) =>
        {
            var (campaign, progress, trials, waiting) = await farm.StatusAsync(parse.GetValue(id), token) ?? throw FarmCli.NotFound(parse.GetValue(id));
            var console = cli.Environment.CreateConsole();
            console.WriteLine($"campaign {campaign.Id} '{campaign.Name}' ({campaign.Kind}, {campaign.Task}): {Formats.State(campaign.State)}");
            console.WriteLine($"  created {Formats.Time(campaign.CreatedAt)}, started {Formats.Time(campaign.StartedAt)}, finished {Formats.Time(campaign.FinishedAt)}");
            console.WriteLine($"  dataset {campaign.DatasetPath} (sha256 {campaign.DatasetSha256})");
            console.WriteLine($"  trials {progress.Total}: {Formats.Counts(progress)}");
            if (StoredSpec.IsSearch(campaign)) await WriteSearchAsync(console, farm, campaign, progress, token);
            if (campaign.Error is not null) console.WriteLine($"  error: {campaign.Error}");
            if (waiting is not null) console.WriteLine($"  waiting: {waiting}");
            console.Write(TrialTable(console, trials));
            return FarmExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>A search's budget and best trial so far; the full picture is <c>farm results</c>.</summary>
    private static async Task WriteSearchAsync(IAnsiConsole console, IFarmConnection farm, CampaignRecord campaign, CampaignProgress progress,
        CancellationToken ct)
    {
        StoredSearch search;
        try
        {
            search = await SearchResults.LoadSearchAsync(farm, campaign.Id, ct);
        }
        catch (FarmCliException)
        {
            // Status still shows the trials of a search whose spec this build cannot read.
            return;
        }
        var objective = search.Search.Objectives[0];
        var best = search.Ranked().FirstOrDefault();
        var standing = best is null
            ? "no trial has completed yet"
            : $"best {objective.Metric} {best.Values[0].ToString("G4", CultureInfo.InvariantCulture)} (trial {best.Number})";
        console.WriteLine($"  search: {progress.Total} of up to {search.Search.Budget.Trials} trials ({objective}); {standing}; 'farm results {campaign.Id}' for the rest");
    }

    private static Table TrialTable(IAnsiConsole console, IReadOnlyList<TrialRecord> trials)
    {
        var table = Tables.Create(console, "#", "state", "attempt", "silo", "gpus", "started", "duration", "error");
        foreach (var trial in trials.OrderBy(t => t.Index))
        {
            var duration = trial.StartedAt is { } started ? (trial.FinishedAt ?? DateTimeOffset.UtcNow) - started : (TimeSpan?)null;
            table.Row(trial.Index.ToString(), Formats.State(trial.State), trial.Attempt.ToString(), trial.Owner ?? "-",
                trial.Gpus == 0 ? "-" : trial.Gpus.ToString(), Formats.Time(trial.StartedAt), Formats.Duration(duration), trial.Error ?? "");
        }
        return table;
    }
}
