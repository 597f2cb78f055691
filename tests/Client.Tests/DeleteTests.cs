using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Client.Tests;

public sealed class DeleteTests(FarmFixture fixture) : IClassFixture<FarmFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private InProcessFarm Farm => fixture.Farm;

    [Fact]
    public async Task A_running_campaign_is_refused_until_cancelled_and_a_script_must_say_yes()
    {
        var gate = new TaskCompletionSource();
        Farm.Trainer.Behaviour = (_, ct) => gate.Task.WaitAsync(ct);
        try
        {
            var id = await Farm.SubmitAsync(members: 2, name: "busy");
            await Eventually.TrueAsync(async () => (await Farm.Store.GetCampaignAsync(id, Ct))!.State == CampaignState.Running, TimeSpan.FromSeconds(20), "the campaign to run");

            var running = await Cli.To(Farm).RunAsync("delete", id.ToString(), "--yes");
            await Cli.To(Farm).RunAsync("cancel", id.ToString());
            var unconfirmed = await Cli.To(Farm).RunAsync("delete", id.ToString());
            var declined = await Cli.To(Farm).Answering("n\n").RunAsync("delete", id.ToString());

            Assert.Equal((FarmExitCodes.BadInput, $"error: campaign {id} 'busy' is running: cancel it first ('farm cancel {id}'), then delete it\n"),
                (running.ExitCode, running.Error));
            Assert.Equal((FarmExitCodes.BadInput, $"error: stdin is not a terminal to confirm on: pass --yes to delete campaign {id} 'busy' and its 0 models\n"),
                (unconfirmed.ExitCode, unconfirmed.Error));
            Assert.Equal((FarmExitCodes.Ok, $"campaign {id} kept\n", $"delete campaign {id} 'busy' and its 0 models? [y/N] "),
                (declined.ExitCode, declined.Output, declined.Error));
            Assert.NotNull(await Farm.Store.GetCampaignAsync(id, Ct));
        }
        finally
        {
            gate.TrySetResult();
            Farm.Trainer.Behaviour = (_, _) => Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Deleting_through_the_farm_removes_everything_of_it_and_its_grain_forgets_it()
    {
        var id = await Farm.SubmitAsync(members: 3, name: "doomed");
        await Farm.WaitForEndAsync(id);
        var trials = await Farm.Store.GetTrialsAsync(id, Ct);
        // Following it activates the campaign's grain, which caches the campaign.
        Assert.Equal(FarmExitCodes.Ok, (await Cli.To(Farm).RunAsync("watch", id.ToString())).ExitCode);

        var delete = await Cli.To(Farm).Answering("y\n").RunAsync("delete", id.ToString());

        Assert.Equal((FarmExitCodes.Ok, $"deleted campaign {id} 'doomed' and its 3 models (3 trials)\n", $"delete campaign {id} 'doomed' and its 3 models? [y/N] "),
            (delete.ExitCode, delete.Output, delete.Error));
        Assert.Null(await Farm.Store.GetCampaignAsync(id, Ct));
        foreach (var trial in trials)
        {
            Assert.Null(await Farm.Store.GetModelAsync(trial.Id, Ct));
            Assert.Empty(await Farm.Store.GetEpochMetricsAsync(trial.Id, Ct));
        }
        Assert.Null(await Farm.Cluster.Client.GetGrain<ICampaignGrain>(id).StartAsync());
        foreach (var command in new[] { "watch", "status", "results", "delete" })
        {
            string[] yes = command == "delete" ? ["--yes"] : [];
            var after = await Cli.To(Farm).RunAsync([command, id.ToString(), .. yes]);
            Assert.Equal((FarmExitCodes.NotFound, $"error: no campaign with id {id}\n"), (after.ExitCode, after.Error));
        }
    }

    [Fact]
    public async Task With_no_farm_running_an_ended_campaign_is_deleted_in_the_store()
    {
        using var folder = new TempFolder();
        long id;
        await using (var store = new SqliteFarmStore(folder["farm.db"]))
        {
            await store.MigrateAsync(Ct);
            id = await store.CreateCampaignAsync(new NewCampaign("old", "ensemble", "binary", "name: old\n", "/data/old.csv", new string('a', 64), 1,
                new CampaignTestSet([0, 1], [0f, 1f], 1, null), "key-old"), [new NewTrial(0, "{}", 1, 2)], Ct);
            await store.CancelCampaignAsync(id, Ct);
        }

        var delete = await Cli.Offline(folder["farm.db"]).RunAsync("delete", id.ToString(), "--yes");
        var list = await Cli.Offline(folder["farm.db"]).RunAsync("list");

        Assert.Equal((FarmExitCodes.Ok, $"deleted campaign {id} 'old' and its 0 models (1 trials)\n"), (delete.ExitCode, delete.Output));
        Assert.Equal($"note: no farm answers; changing the store {folder["farm.db"]} directly\n", delete.Error);
        Assert.Equal("no campaigns\n", list.Output);
    }
}
