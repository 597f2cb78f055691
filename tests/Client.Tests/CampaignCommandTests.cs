using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Client.Tests;

public sealed class CampaignCommandTests(FarmFixture fixture) : IClassFixture<FarmFixture>
{
    private InProcessFarm Farm => fixture.Farm;

    [Theory]
    [InlineData("status")]
    [InlineData("watch")]
    [InlineData("results")]
    [InlineData("cancel")]
    public async Task An_unknown_campaign_id_exits_3(string command)
    {
        var run = await Cli.To(Farm).RunAsync(command, "999");

        Assert.Equal(FarmExitCodes.NotFound, run.ExitCode);
        Assert.Equal("error: no campaign with id 999\n", run.Error);
    }

    [Fact]
    public async Task List_and_status_show_a_campaign_in_plain_text_with_member_numbers()
    {
        var id = await Farm.SubmitAsync(members: 3);
        await Farm.WaitForEndAsync(id);

        var list = await Cli.To(Farm).RunAsync("list");
        var status = await Cli.To(Farm).RunAsync("status", id.ToString());

        Assert.Equal(FarmExitCodes.Ok, list.ExitCode);
        Assert.Matches($@"(?m)^{id}\s+small\s+ensemble\s+completed\s+3/3\s", list.Output);
        Assert.Equal(FarmExitCodes.Ok, status.ExitCode);
        Assert.Contains($"campaign {id} 'small' (ensemble, binary): completed", status.Output);
        Assert.Contains("completed 3, running 0, queued 0", status.Output);
        Assert.Matches(@"(?m)^2\s+completed\s+1\s+\S+:\d+@\d+\s", status.Output);
        Assert.DoesNotContain("\u001b[", list.Output + status.Output);
    }

    [Fact]
    public async Task Cancel_stops_the_campaign_and_watch_then_exits_1_saying_how_many_completed()
    {
        var gate = new TaskCompletionSource();
        Farm.Trainer.Behaviour = (trial, ct) => trial.Trial.Index == 0 ? Task.CompletedTask : gate.Task.WaitAsync(ct);
        try
        {
            var id = await Farm.SubmitAsync(members: 4, name: "doomed");
            await Eventually.TrueAsync(async () => (await Farm.Store.GetProgressAsync(id)).Completed == 1, TimeSpan.FromSeconds(20), "member 0 to complete");

            var cancel = await Cli.To(Farm).RunAsync("cancel", id.ToString());
            var again = await Cli.To(Farm).RunAsync("cancel", id.ToString());
            var watch = await Cli.To(Farm).RunAsync("watch", id.ToString());
            var results = await Cli.To(Farm).RunAsync("results", id.ToString());

            Assert.Equal((FarmExitCodes.Ok, $"campaign {id} cancelled\n"), (cancel.ExitCode, cancel.Output));
            Assert.Equal($"campaign {id} had already ended: cancelled\n", again.Output);
            Assert.Equal(FarmExitCodes.CampaignNotCompleted, watch.ExitCode);
            Assert.Contains($"campaign {id} cancelled: 4/4 done (completed 1, failed 0, cancelled 3)", watch.Output);
            Assert.Equal($"campaign {id} cancelled with 1 of 4 members completed\n", watch.Error);
            Assert.Contains($"partial results: campaign {id} was cancelled; these are the 1 of its 4 members that completed", results.Output);
        }
        finally
        {
            gate.TrySetResult();
            Farm.Trainer.Behaviour = (_, _) => Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Watch_is_told_of_each_completion_and_exits_0_when_the_campaign_completes()
    {
        var gates = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource()).ToArray();
        Farm.Trainer.Behaviour = (trial, ct) => gates[trial.Trial.Index].Task.WaitAsync(ct);
        try
        {
            var id = await Farm.SubmitAsync(members: 3, name: "watched");
            var watching = Cli.To(Farm).RunAsync("watch", id.ToString());
            foreach (var gate in gates)
            {
                await Task.Delay(200, TestContext.Current.CancellationToken);
                gate.SetResult();
            }
            var watch = await watching;

            Assert.True(watch.ExitCode == FarmExitCodes.Ok, watch.Output + watch.Error);
            var lines = watch.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains(lines, l => l.StartsWith($"campaign {id} running: 1/3 done (completed 1,", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith($"campaign {id} running: 2/3 done (completed 2,", StringComparison.Ordinal));
            Assert.StartsWith($"campaign {id} completed: 3/3 done (completed 3, failed 0, cancelled 0)", lines[^2]);
            Assert.Equal($"campaign {id} completed ('farm results {id}' for average vs vote)", lines[^1]);
        }
        finally
        {
            foreach (var gate in gates) gate.TrySetResult();
            Farm.Trainer.Behaviour = (_, _) => Task.CompletedTask;
        }
    }

    [Fact]
    public async Task A_regression_campaign_points_to_mean_vs_median_not_average_vs_vote()
    {
        SmallCampaign.WriteDataset(Farm.Folder);
        var yaml = SmallCampaign.SpecYaml(2, name: "flow").Replace("task: binary", "task: regression", StringComparison.Ordinal);
        var id = await Farm.SubmitAsync(yaml, "flow.yaml");

        var watch = await Cli.To(Farm).RunAsync("watch", id.ToString());

        Assert.EndsWith($"campaign {id} completed ('farm results {id}' for mean vs median)\n", watch.Output);
    }

    [Fact]
    public async Task Silos_lists_the_silo_with_its_slots()
    {
        await Eventually.TrueAsync(async () => (await Farm.Farm.ListSilosAsync()).Count == 1, TimeSpan.FromSeconds(20), "the silo to report");

        var run = await Cli.To(Farm).RunAsync("silos");

        Assert.Equal(FarmExitCodes.Ok, run.ExitCode);
        Assert.Contains("2 (cpu0,cpu1)", run.Output);
        // Other tests of the class share the silo: how many slots are free now is theirs to decide.
        Assert.Matches(@"1 silos, 2 slots, [012] free; 0 GPUs, 0 free GPU places\n$", run.Output);
    }
}
