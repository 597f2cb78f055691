using EnsembleFarm.Store;

namespace EnsembleFarm.Client.Tests;

public sealed class SubmitTests
{
    [Fact]
    public async Task A_bad_spec_exits_2_naming_the_field_and_queues_nothing()
    {
        await using var farm = new FarmFolder();
        var spec = farm.WriteSpec(trainingYaml: "training:\n  epochs: 0\n");

        var run = await farm.FarmAsync("submit", spec);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("training.epochs", run.Error);
        Assert.Equal("", run.Output);
        await using var store = await farm.OpenStoreAsync();
        Assert.Empty(await store.ListCampaignsAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_missing_data_file_exits_2_naming_it()
    {
        await using var farm = new FarmFolder();
        var spec = farm.WriteSpec();
        File.Delete(farm.DataPath);

        var run = await farm.FarmAsync("submit", spec);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("dataset.path", run.Error);
        Assert.Contains(farm.DataPath, run.Error);
    }

    [Fact]
    public async Task A_bad_data_cell_exits_2_naming_line_and_column()
    {
        await using var farm = new FarmFolder();
        var spec = farm.WriteSpec();
        var lines = File.ReadAllLines(farm.DataPath);
        lines[4] = "r3,abc,1,0";
        File.WriteAllLines(farm.DataPath, lines);

        var run = await farm.FarmAsync("submit", spec);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("line 5", run.Error);
        Assert.Contains("'x1'", run.Error);
    }

    [Fact]
    public async Task Submit_prints_the_id_and_queues_one_trial_per_member_with_the_data_hash()
    {
        await using var farm = new FarmFolder();

        var run = await farm.FarmAsync("submit", farm.WriteSpec(members: 4));

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var id = long.Parse(run.Output.Trim());
        await using var store = await farm.OpenStoreAsync();
        var ct = TestContext.Current.CancellationToken;
        var campaign = await store.GetCampaignAsync(id, ct);
        Assert.NotNull(campaign);
        Assert.Equal(CampaignState.Queued, campaign.State);
        Assert.Equal(EnsembleFarm.Models.Data.DatasetFingerprint.Sha256(farm.DataPath), campaign.DatasetSha256);
        Assert.Equal(farm.DataPath, campaign.DatasetPath);
        var trials = await store.GetTrialsAsync(id, ct);
        Assert.Equal([0, 1, 2, 3], trials.Select(t => t.Index).Order());
        Assert.All(trials, t => Assert.Equal(TrialState.Queued, t.State));
    }
}
