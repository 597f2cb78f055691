using System.CommandLine;
using EnsembleFarm.Client.Output;
using Spectre.Console;

namespace EnsembleFarm.Client.Commands;

/// <summary><c>farm cancel ID</c>: queued trials are cancelled at once; silos stop running ones at their next report.</summary>
internal static class CancelCommand
{
    public static Command Create(FarmCli cli)
    {
        var id = CampaignIdArgument.Create();
        var command = new Command("cancel", "Cancel a campaign (its queued and running trials)") { id };
        command.SetAction((parse, ct) => cli.RunWithStoreAsync(parse, async (store, token) =>
        {
            var campaign = await FarmCli.RequireCampaignAsync(store, parse.GetValue(id), token);
            var console = cli.Environment.CreateConsole();
            if (await store.CancelCampaignAsync(campaign.Id, token))
                console.WriteLine($"campaign {campaign.Id} cancelled");
            else
            {
                var ended = await store.GetCampaignAsync(campaign.Id, token) ?? campaign;
                console.WriteLine($"campaign {campaign.Id} had already ended: {Formats.State(ended.State)}");
            }
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
