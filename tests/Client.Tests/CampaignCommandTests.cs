using EnsembleFarm.Store;

namespace EnsembleFarm.Client.Tests;

public sealed class CampaignCommandTests
{
    [Theory]
    [InlineData("status")]
    [InlineData("watch")]
    [InlineData("results")]
    [InlineData("cancel")]
    public async Task An_unknown_campaign_id_exits_3(string command)
    {
        await using var farm = new FarmFolder();

        var run = await farm.FarmAsync(command, "999");

        Assert.Equal(ExitCodes.NotFound, run.ExitCode);
        Assert.Contains("no campaign with id 999", run.Error);
    }

    [Fact]
    public async Task A_file_that_is_not_a_store_exits_4()
    {
        await using var farm = new FarmFolder();
        var notAStore = Path.Combine(farm.Path, "notes.db");
        await File.WriteAllTextAsync(notAStore, "these are my notes, not a database", TestContext.Current.CancellationToken);

        var run = await new CliRunner((location, ct) => FarmStoreFactory.OpenAsync(location, ct: ct)).RunAsync("list", "--store", notAStore);

        Assert.Equal(ExitCodes.StoreUnavailable, run.ExitCode);
        Assert.Contains(notAStore, run.Error);
    }

    [Fact]
    public async Task List_and_status_show_a_queued_campaign_in_plain_text()
    {
        await using var farm = new FarmFolder();
        var id = (await farm.FarmAsync("submit", farm.WriteSpec(members: 3))).Output.Trim();

        var list = await farm.FarmAsync("list");
        var status = await farm.FarmAsync("status", id);

        Assert.Equal(ExitCodes.Ok, list.ExitCode);
        Assert.Contains("small", list.Output);
        Assert.Contains("0/3", list.Output);
        Assert.Equal(ExitCodes.Ok, status.ExitCode);
        Assert.Contains($"campaign {id} 'small' (ensemble): queued", status.Output);
        Assert.Contains("completed 0, running 0, queued 3", status.Output);
        Assert.DoesNotContain("\u001b[", list.Output + status.Output);
    }

    [Fact]
    public async Task Cancel_ends_the_campaign_and_watch_then_exits_1()
    {
        await using var farm = new FarmFolder();
        var id = (await farm.FarmAsync("submit", farm.WriteSpec(members: 3))).Output.Trim();

        var cancel = await farm.FarmAsync("cancel", id);
        var again = await farm.FarmAsync("cancel", id);
        var watch = await farm.FarmAsync("watch", id, "--interval", "0.05");

        Assert.Equal(ExitCodes.Ok, cancel.ExitCode);
        Assert.Contains($"campaign {id} cancelled", cancel.Output);
        Assert.Contains("had already ended: cancelled", again.Output);
        Assert.Equal(ExitCodes.CampaignNotCompleted, watch.ExitCode);
        Assert.Contains($"campaign {id} cancelled: 3/3 done (completed 0, failed 0, cancelled 3)", watch.Output);
        Assert.Contains($"campaign {id} cancelled", watch.Error);
    }

    [Fact]
    public async Task Watch_follows_the_trials_to_completion_and_exits_0()
    {
        await using var farm = new FarmFolder();
        var id = long.Parse((await farm.FarmAsync("submit", farm.WriteSpec(members: 2))).Output.Trim());
        await using var store = await farm.OpenStoreAsync();
        var silo = new FakeSilo(store, "silo-a");

        var watching = farm.FarmAsync("watch", id.ToString(), "--interval", "0.05");
        await silo.CompleteAllAsync(id);
        var watch = await watching;

        Assert.Equal(ExitCodes.Ok, watch.ExitCode);
        var lines = watch.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"campaign {id} completed: 2/2 done (completed 2, failed 0, cancelled 0)", lines[^2]);
        Assert.Equal($"campaign {id} completed ('farm results {id}' for average vs vote)", lines[^1]);
    }
}
