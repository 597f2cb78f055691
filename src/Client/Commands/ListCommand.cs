using System.CommandLine;
using EnsembleFarm.Client.Connection;
using EnsembleFarm.Client.Output;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.GrainInterfaces;
using Spectre.Console;

namespace EnsembleFarm.Client.Commands;

/// <summary><c>farm list</c>: every campaign, newest first, with its progress.</summary>
internal static class ListCommand
{
    public static Command Create(FarmCli cli)
    {
        var command = new Command("list", "List the campaigns, newest first");
        command.SetAction((parse, ct) => cli.RunWithFarmAsync(parse, FarmNeed.ReadsOnly, async (farm, token) =>
        {
            var campaigns = await farm.ListAsync(token);
            var console = cli.Environment.CreateConsole();
            if (campaigns.Count == 0)
            {
                console.WriteLine("no campaigns");
                return FarmExitCodes.Ok;
            }
            var table = Tables.Create(console, "id", "name", "kind", "state", "done", "created", "finished");
            foreach (var (campaign, progress) in campaigns)
            {
                table.Row(campaign.Id.ToString(), campaign.Name, campaign.Kind, Formats.State(campaign.State),
                    $"{progress.Finished}/{StoredSpec.PlannedTrials(campaign, progress)}", Formats.Time(campaign.CreatedAt), Formats.Time(campaign.FinishedAt));
            }
            console.Write(table);
            return FarmExitCodes.Ok;
        }, ct));
        return command;
    }
}
