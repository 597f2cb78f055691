using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using EnsembleFarm.Client.Connection;
using EnsembleFarm.Client.Output;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.GrainInterfaces;
using Spectre.Console;
using EnsembleFarm.Store;

namespace EnsembleFarm.Client.Commands;

/// <summary>
/// <c>farm curves ID [--trial N] [--csv|--json]</c>: the members' learning curves (each trial's current attempt). The
/// table shows one line per member (its epochs and its last epoch's metrics) or, with <c>--trial</c>, that member's
/// every epoch; <c>--csv</c> and <c>--json</c> give every epoch of every member (or of the one).
/// </summary>
internal static class CurvesCommand
{
    public static Command Create(FarmCli cli)
    {
        var id = CampaignIdArgument.Create();
        var trial = new Option<int?>("--trial") { Description = "Only this member (its index, as in 'farm status')" };
        var csv = new Option<bool>("--csv") { Description = "Every epoch as CSV on stdout: trial,epoch,<metrics>" };
        var json = new Option<bool>("--json") { Description = "Every epoch as JSON on stdout" };
        var command = new Command("curves", "Show the members' learning curves: metrics by epoch") { id, trial, csv, json };
        command.SetAction((parse, ct) => cli.RunWithFarmAsync(parse, FarmNeed.ReadsOnly, async (farm, token) =>
        {
            if (parse.GetValue(csv) && parse.GetValue(json)) throw new FarmCliException(FarmExitCodes.BadInput, "error: give --csv or --json, not both");
            var campaignId = parse.GetValue(id);
            var curves = await farm.CurvesAsync(campaignId, token) ?? throw FarmCli.NotFound(campaignId);
            var trials = Select(curves, parse.GetValue(trial));
            var epochs = curves.Epochs.ToLookup(e => e.TrialId);
            var metrics = MetricNames(curves.Epochs);
            if (parse.GetValue(csv)) await WriteCsvAsync(cli.Environment.Out, trials, epochs, metrics);
            else if (parse.GetValue(json)) await cli.Environment.Out.WriteLineAsync(Json(curves.Campaign, trials, epochs, metrics));
            else WriteTable(cli, curves.Campaign, trials, epochs, metrics, single: parse.GetValue(trial) is not null);
            return FarmExitCodes.Ok;
        }, ct));
        return command;
    }

    private static List<TrialRecord> Select(CampaignCurves curves, int? index)
    {
        if (index is null) return [.. curves.Trials.OrderBy(t => t.Index)];
        return curves.Trials.FirstOrDefault(t => t.Index == index) is { } one
            ? [one]
            : throw new FarmCliException(FarmExitCodes.BadInput,
                $"error: --trial: campaign {curves.Campaign.Id} has no member {index} (its members are 0-{curves.Trials.Count - 1})");
    }

    /// <summary>The losses first (what every trainer reports), then the validation metrics by name.</summary>
    private static List<string> MetricNames(IEnumerable<EpochMetrics> epochs) =>
        [.. epochs.SelectMany(e => e.Metrics.Keys).Distinct().OrderBy(n => n switch { "train_loss" => 0, "val_loss" => 1, _ => 2 }).ThenBy(n => n, StringComparer.Ordinal)];

    private static void WriteTable(FarmCli cli, CampaignRecord campaign, List<TrialRecord> trials, ILookup<long, EpochMetrics> epochs, List<string> metrics,
        bool single)
    {
        var console = cli.Environment.CreateConsole();
        if (single)
        {
            var trial = trials[0];
            console.WriteLine($"campaign {campaign.Id} '{campaign.Name}', member {trial.Index} ({Formats.State(trial.State)}, attempt {trial.Attempt}): {epochs[trial.Id].Count()} epochs");
            var table = Tables.Create(console, ["epoch", .. metrics]);
            foreach (var epoch in epochs[trial.Id])
                table.Row([epoch.Epoch.ToString(CultureInfo.InvariantCulture), .. metrics.Select(m => Cell(epoch, m))]);
            console.Write(table);
            return;
        }
        console.WriteLine($"campaign {campaign.Id} '{campaign.Name}': {trials.Count} members, the last epoch of each ('--trial N' for every epoch of one; --csv or --json for all)");
        var summary = Tables.Create(console, ["#", "state", "epochs", .. metrics]);
        foreach (var trial in trials)
        {
            var last = epochs[trial.Id].LastOrDefault();
            summary.Row([trial.Index.ToString(CultureInfo.InvariantCulture), Formats.State(trial.State),
                epochs[trial.Id].Count().ToString(CultureInfo.InvariantCulture), .. metrics.Select(m => last is null ? "-" : Cell(last, m))]);
        }
        console.Write(summary);
    }

    private static string Cell(EpochMetrics epoch, string metric) => epoch.Metrics.TryGetValue(metric, out var v) ? Formats.Number(v) : "-";

    private static async Task WriteCsvAsync(TextWriter output, List<TrialRecord> trials, ILookup<long, EpochMetrics> epochs, List<string> metrics)
    {
        await output.WriteLineAsync(string.Join(',', ["trial", "epoch", .. metrics]));
        foreach (var trial in trials)
        {
            foreach (var epoch in epochs[trial.Id])
            {
                await output.WriteLineAsync(string.Join(',', [
                    trial.Index.ToString(CultureInfo.InvariantCulture), epoch.Epoch.ToString(CultureInfo.InvariantCulture),
                    .. metrics.Select(m => epoch.Metrics.TryGetValue(m, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : ""),
                ]));
            }
        }
    }

    private static string Json(CampaignRecord campaign, List<TrialRecord> trials, ILookup<long, EpochMetrics> epochs, List<string> metrics) =>
        new JsonObject
        {
            ["campaign_id"] = campaign.Id,
            ["metrics"] = new JsonArray([.. metrics.Select(m => JsonValue.Create(m))]),
            ["trials"] = new JsonArray([.. trials.Select(t => new JsonObject
            {
                ["index"] = t.Index,
                ["trial_id"] = t.Id,
                ["state"] = Formats.State(t.State),
                ["attempt"] = t.Attempt,
                ["epochs"] = new JsonArray([.. epochs[t.Id].Select(e => new JsonObject
                {
                    ["epoch"] = e.Epoch,
                    ["metrics"] = new JsonObject([.. e.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal)
                        .Select(m => KeyValuePair.Create(m.Key, (JsonNode?)JsonValue.Create(m.Value)))]),
                })]),
            })]),
        }.ToJsonString(EnsembleReport.JsonOptions);
}
