using System.CommandLine;
using EnsembleFarm.Client.Connection;
using EnsembleFarm.Client.Output;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;

namespace EnsembleFarm.Client.Commands;

/// <summary>
/// <c>farm delete ID [--yes]</c>: removes an ended campaign and everything of it (trials, curves, predictions, models,
/// test part), after asking on the terminal; a script says <c>--yes</c>. A queued or running campaign is refused: cancel
/// it first. Through the farm when one answers (its campaign grain forgets it), else on the store directly.
/// </summary>
internal static class DeleteCommand
{
    public static Command Create(FarmCli cli)
    {
        var id = CampaignIdArgument.Create();
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation (needed when stdin is not a terminal)" };
        var command = new Command("delete", "Delete an ended campaign with its trials, curves, predictions and models") { id, yes };
        command.SetAction((parse, ct) => cli.RunWithFarmAsync(parse, FarmNeed.FarmOrStore, async (farm, token) =>
        {
            var campaignId = parse.GetValue(id);
            var status = await farm.StatusAsync(campaignId, token) ?? throw FarmCli.NotFound(campaignId);
            var campaign = status.Campaign;
            if (!campaign.HasEnded) throw StillOpen(campaign);
            var what = $"campaign {campaign.Id} '{campaign.Name}' and its {status.Progress.Completed} models";
            if (!parse.GetValue(yes))
            {
                if (!cli.Environment.CanAsk)
                    throw new FarmCliException(FarmExitCodes.BadInput, $"error: stdin is not a terminal to confirm on: pass --yes to delete {what}");
                if (!await cli.Environment.ConfirmAsync($"delete {what}?", token))
                {
                    await cli.Environment.Out.WriteLineAsync($"campaign {campaign.Id} kept");
                    return FarmExitCodes.Ok;
                }
            }
            return await farm.DeleteAsync(campaignId, token) switch
            {
                CampaignDeletion.Deleted => await DeletedAsync(cli, $"deleted {what} ({status.Progress.Total} trials)"),
                CampaignDeletion.NotFound => throw FarmCli.NotFound(campaignId),
                _ => throw StillOpen(campaign),
            };
        }, ct));
        return command;
    }

    private static async Task<int> DeletedAsync(FarmCli cli, string line)
    {
        await cli.Environment.Out.WriteLineAsync(line);
        return FarmExitCodes.Ok;
    }

    private static FarmCliException StillOpen(CampaignRecord campaign) => new(FarmExitCodes.BadInput,
        $"error: campaign {campaign.Id} '{campaign.Name}' is {Formats.State(campaign.State)}: cancel it first ('farm cancel {campaign.Id}'), then delete it");
}
