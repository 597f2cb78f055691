using System.CommandLine;
using EnsembleFarm.Client.Connection;
using EnsembleFarm.Domain.Prediction;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;

namespace EnsembleFarm.Client.Commands;

/// <summary>
/// <c>farm export ID --out DIR [--members 0,3,5-7]</c>: the completed members' models (each loadable by the built-in
/// trainer and by scripts/load_in_pytorch.py), the campaign's description and the members' test predictions, in one
/// folder (docs/results.md § 6).
/// </summary>
internal static class ExportCommand
{
    public static Command Create(FarmCli cli)
    {
        var id = CampaignIdArgument.Create();
        var output = new Option<string>("--out") { Description = "The folder to write (created if missing; files of the same names are replaced)", Required = true };
        var members = new Option<string?>("--members") { Description = "Only these members, by index: e.g. 0,3,5-7 (default: every completed member)" };
        var command = new Command("export", "Write a campaign's ensemble to a folder: models, description, test predictions") { id, output, members };
        command.SetAction((parse, ct) => cli.RunWithFarmAsync(parse, FarmNeed.ReadsOnly, async (farm, token) =>
        {
            var campaignId = parse.GetValue(id);
            var selection = MemberSelection.Parse(parse.GetValue(members));
            var models = await farm.ModelsAsync(campaignId, selection, token) ?? throw FarmCli.NotFound(campaignId);
            RequireSelected(models, selection);
            if (models.Members.Count == 0) throw FarmCli.NoCompletedMember(models.Campaign, "nothing to export");
            var results = await farm.ResultsDataAsync(campaignId, token) ?? throw FarmCli.NotFound(campaignId);

            var directory = Path.GetFullPath(parse.GetRequiredValue(output));
            try
            {
                EnsembleExport.Write(directory, models.Campaign, [.. models.Members.Select(m => new ExportedMember(m.Index, m.TrialId, m.Weights, m.Json))],
                    results.TestSet, results.Predictions);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new FarmCliException(FarmExitCodes.BadInput, $"error: cannot write --out {directory}: {e.Message}", e);
            }
            await cli.Environment.Out.WriteLineAsync(
                $"exported {models.Members.Count} members of campaign {campaignId} '{models.Campaign.Name}' to {directory}");
            return FarmExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>Every member asked for must exist and have completed: a partial export that looks whole would mislead.</summary>
    private static void RequireSelected(CampaignModels models, IReadOnlyList<int>? selection)
    {
        if (selection is null) return;
        var exported = models.Members.Select(m => m.Index).ToHashSet();
        foreach (var index in selection.Where(i => !exported.Contains(i)))
        {
            var trial = models.Trials.FirstOrDefault(t => t.Index == index);
            throw new FarmCliException(FarmExitCodes.BadInput, trial is null
                ? $"error: --members: campaign {models.Campaign.Id} has no member {index} (its members are 0-{models.Trials.Count - 1})"
                : $"error: --members: member {index} of campaign {models.Campaign.Id} is {trial.State.ToString().ToLowerInvariant()}, not completed: it has no model");
        }
    }
}
