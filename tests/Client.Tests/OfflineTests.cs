using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Client.Tests;

/// <summary>With no farm running, what the store holds can still be read; what needs a farm says how to start one.</summary>
public sealed class OfflineTests
{
    [Fact]
    public async Task A_finished_campaigns_results_are_read_from_the_store_when_no_silo_runs()
    {
        long id;
        string storePath;
        string expected;
        using var folder = new TempFolder();
        await using (var farm = await InProcessFarm.StartAsync(silos: 1, slotsPerSilo: 1))
        {
            id = await farm.SubmitAsync(members: 2);
            await farm.WaitForEndAsync(id);
            expected = (await Cli.To(farm).RunAsync("results", id.ToString(), "--json")).Output;
            storePath = folder["farm.db"];
            // The store is in write-ahead-log mode: what the farm wrote last is in the log until it is checkpointed.
            foreach (var file in new[] { "farm.db", "farm.db-wal" })
                File.Copy(Path.Combine(farm.Folder, file), folder[file]);
        }

        var list = await Cli.Offline(storePath).RunAsync("list");
        var results = await Cli.Offline(storePath).RunAsync("results", id.ToString(), "--json");
        var watch = await Cli.Offline(storePath).RunAsync("watch", id.ToString());

        Assert.Matches($@"(?m)^{id}\s+small\s+ensemble\s+completed\s+2/2", list.Output);
        Assert.Equal((FarmExitCodes.Ok, expected), (results.ExitCode, results.Output));
        Assert.Equal(FarmExitCodes.Ok, watch.ExitCode);
        Assert.StartsWith($"campaign {id} completed: 2/2 done", watch.Output);
    }

    [Fact]
    public async Task Commands_that_need_a_farm_exit_5_saying_how_to_start_one()
    {
        using var folder = new TempFolder();
        var spec = SmallCampaign.Write(folder.Path, members: 2);
        await using (await EnsembleFarm.Store.FarmStoreFactory.OpenAsync(folder["farm.db"], ct: TestContext.Current.CancellationToken))
        {
        }

        var submit = await Cli.Offline(folder["farm.db"]).RunAsync("submit", spec);
        var cancel = await Cli.Offline(folder["farm.db"]).RunAsync("cancel", "1");

        Assert.Equal(FarmExitCodes.FarmUnreachable, submit.ExitCode);
        Assert.StartsWith("error: cannot submit a campaign: no farm answers at the test gateway. Start a farm first:", submit.Error);
        Assert.Equal(FarmExitCodes.FarmUnreachable, cancel.ExitCode);
    }
}
