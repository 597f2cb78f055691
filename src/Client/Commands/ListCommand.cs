using System.CommandLine;
using EnsembleFarm.Client.Output;
using Spectre.Console;

namespace EnsembleFarm.Client.Commands;

/// <summary><c>farm list</c>: every campaign in the store, newest first, with its progress.</summary>
internal static class ListCommand
{
    public static Command Create(FarmCli cli)
    {
        var command = new Command("list", "List the campaigns in the store, newest first");
        command.SetAction((parse, ct) => cli.RunWithStoreAsync(parse, async (store, token) =>
        {
            var campaigns = await store.ListCampaignsAsync(token);
            var console = cli.Environment.CreateConsole();
            if (campaigns.Count == 0)
            {
                console.WriteLine("no campaigns");
                return ExitCodes.Ok;
            }
            var table = Tables.Create(console, "id", "name", "kind", "state", "done", "created", "finished");
            foreach (var campaign in campaigns)
            {
                var progress = await store.GetProgressAsync(campaign.Id, token);
                table.Row(campaign.Id.ToString(), campaign.Name, campaign.Kind, Formats.State(campaign.State),
                    $"{progress.Finished}/{progress.Total}", Formats.Time(campaign.CreatedAt), Formats.Time(campaign.FinishedAt));
            }
            console.Write(table);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
