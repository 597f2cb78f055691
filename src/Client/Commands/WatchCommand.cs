using System.CommandLine;
using EnsembleFarm.Client.Watching;

namespace EnsembleFarm.Client.Commands;

/// <summary><c>farm watch ID</c>: live progress until the campaign ends; exit 0 if it completed, 1 if not.</summary>
internal static class WatchCommand
{
    public static Command Create(FarmCli cli)
    {
        var id = CampaignIdArgument.Create();
        var interval = IntervalOption();
        var command = new Command("watch", "Follow a campaign's progress until it ends (Ctrl+C stops watching, not the campaign)") { id, interval };
        command.SetAction((parse, ct) => cli.RunWithStoreAsync(parse, async (store, token) =>
        {
            var watcher = new CampaignWatcher(store, cli.Environment, TimeSpan.FromSeconds(parse.GetValue(interval)));
            return await watcher.ReportEndAsync(await watcher.WatchAsync(parse.GetValue(id), token));
        }, ct));
        return command;
    }

    /// <summary>How often the store is read while watching.</summary>
    public static Option<double> IntervalOption()
    {
        var option = new Option<double>("--interval")
        {
            Description = "Seconds between two reads of the progress",
            DefaultValueFactory = _ => 1.0,
        };
        option.Validators.Add(result =>
        {
            if (!(result.GetValueOrDefault<double>() > 0)) result.AddError("--interval must be a number of seconds > 0");
        });
        return option;
    }
}
