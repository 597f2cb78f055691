using System.CommandLine;
using EnsembleFarm.Client.Connection;
using EnsembleFarm.Client.Watching;
using EnsembleFarm.GrainInterfaces;

namespace EnsembleFarm.Client.Commands;

/// <summary>
/// <c>farm run SPEC</c>: the whole job in one command: submit (or carry on with the unfinished campaign of the same
/// spec and data), follow it, and show its results. What the AppHost runs.
/// </summary>
internal static class RunCommand
{
    public static Command Create(FarmCli cli)
    {
        var specPath = SubmitCommand.SpecArgument();
        var fresh = new Option<bool>("--new") { Description = "Start a new campaign even if an unfinished one of this spec and data exists" };
        var command = new Command("run", "Submit a spec (or resume its unfinished campaign), follow it, and print its results") { specPath, fresh };
        command.SetAction((parse, ct) => cli.RunWithFarmAsync(parse, FarmNeed.Farm, async (farm, token) =>
        {
            var accepted = await SubmitCommand.SubmitAsync(cli, farm, parse.GetRequiredValue(specPath), resume: !parse.GetValue(fresh), token);
            var watcher = new CampaignWatcher(cli.Environment, cli.Environment.Out);
            var last = await watcher.WatchAsync(farm, accepted.Campaign!.Id, token);
            var exitCode = await watcher.ReportEndAsync(last);
            if (last.Progress.Completed > 0)
            {
                await cli.Environment.Out.WriteLineAsync();
                await ResultsCommand.WriteAsync(cli, farm, last.Campaign.Id, json: false, csvPath: null, token);
            }
            return exitCode == FarmExitCodes.Ok ? FarmExitCodes.Ok : exitCode;
        }, ct));
        return command;
    }
}
