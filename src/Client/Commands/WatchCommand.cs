using System.CommandLine;
using EnsembleFarm.Client.Connection;
using EnsembleFarm.Client.Watching;

namespace EnsembleFarm.Client.Commands;

/// <summary><c>farm watch ID</c>: the campaign's progress as the farm pushes it, until it ends; exit 0 if it completed, 1 if not.</summary>
internal static class WatchCommand
{
    public static Command Create(FarmCli cli)
    {
        var id = CampaignIdArgument.Create();
        var command = new Command("watch", "Follow a campaign's progress until it ends (Ctrl+C stops watching, not the campaign)") { id };
        command.SetAction((parse, ct) => cli.RunWithFarmAsync(parse, FarmNeed.ReadsOnly, async (farm, token) =>
        {
            var watcher = new CampaignWatcher(cli.Environment, cli.Environment.Out);
            return await watcher.ReportEndAsync(await watcher.WatchAsync(farm, parse.GetValue(id), token));
        }, ct));
        return command;
    }
}
