using System.CommandLine;
using EnsembleFarm.Client.Connection;
using EnsembleFarm.Client.Output;
using EnsembleFarm.GrainInterfaces;
using Spectre.Console;

namespace EnsembleFarm.Client.Commands;

/// <summary><c>farm cancel ID</c>: the campaign's queued trials are cancelled and its running ones stopped at once.</summary>
internal static class CancelCommand
{
    public static Command Create(FarmCli cli)
    {
        var id = CampaignIdArgument.Create();
        var command = new Command("cancel", "Cancel a campaign: its queued trials, and its running ones (stopped at once)") { id };
        command.SetAction((parse, ct) => cli.RunWithFarmAsync(parse, FarmNeed.Farm, async (farm, token) =>
        {
            var campaignId = parse.GetValue(id);
            var console = cli.Environment.CreateConsole();
            if (await farm.CancelAsync(campaignId, token))
            {
                console.WriteLine($"campaign {campaignId} cancelled");
            }
            else
            {
                var ended = await farm.StatusAsync(campaignId, token) ?? throw FarmCli.NotFound(campaignId);
                console.WriteLine($"campaign {campaignId} had already ended: {Formats.State(ended.Campaign.State)}");
            }
            return FarmExitCodes.Ok;
        }, ct));
        return command;
    }
}
