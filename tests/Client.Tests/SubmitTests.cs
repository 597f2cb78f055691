using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Client.Tests;

public sealed class SubmitTests(FarmFixture fixture) : IClassFixture<FarmFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private InProcessFarm Farm => fixture.Farm;

    [Fact]
    public async Task A_bad_spec_exits_2_naming_the_file_and_field_and_stores_nothing()
    {
        using var folder = new TempFolder();
        var spec = SmallCampaign.Write(folder.Path, members: 3, epochs: 0);
        var before = (await Farm.Store.ListCampaignsAsync(Ct)).Count;

        var run = await Cli.To(Farm).RunAsync("submit", spec);

        Assert.Equal(FarmExitCodes.BadInput, run.ExitCode);
        Assert.Contains("training.epochs", run.Error);
        Assert.Contains(spec, run.Error);
        Assert.Equal("", run.Output);
        Assert.Equal(before, (await Farm.Store.ListCampaignsAsync(Ct)).Count);
    }

    [Fact]
    public async Task A_missing_data_file_exits_2_naming_it()
    {
        using var folder = new TempFolder();
        var spec = SmallCampaign.Write(folder.Path, members: 3);
        File.Delete(folder["small.csv"]);

        var run = await Cli.To(Farm).RunAsync("submit", spec);

        Assert.Equal(FarmExitCodes.BadInput, run.ExitCode);
        Assert.Contains("dataset.path", run.Error);
        Assert.Contains(folder["small.csv"], run.Error);
    }

    [Fact]
    public async Task A_bad_data_cell_exits_2_naming_line_and_column()
    {
        using var folder = new TempFolder();
        var spec = SmallCampaign.Write(folder.Path, members: 3);
        var lines = File.ReadAllLines(folder["small.csv"]);
        lines[4] = "r3,abc,1,0";
        File.WriteAllLines(folder["small.csv"], lines);

        var run = await Cli.To(Farm).RunAsync("submit", spec);

        Assert.Equal(FarmExitCodes.BadInput, run.ExitCode);
        Assert.Contains("line 5", run.Error);
        Assert.Contains("'a'", run.Error);
    }

    [Fact]
    public async Task A_spec_that_is_not_there_or_is_a_folder_exits_2_in_plain_words()
    {
        using var folder = new TempFolder();

        var missing = await Cli.To(Farm).RunAsync("submit", folder["nope.yaml"]);
        var directory = await Cli.To(Farm).RunAsync("submit", folder.Path);

        Assert.Equal((FarmExitCodes.BadInput, $"error: no spec file {folder["nope.yaml"]}\n"), (missing.ExitCode, missing.Error));
        Assert.Equal((FarmExitCodes.BadInput, $"error: {folder.Path} is a folder, not a spec file\n"), (directory.ExitCode, directory.Error));
    }

    [Fact]
    public async Task Submit_prints_only_the_id_on_stdout_and_the_campaign_runs_with_the_data_hash()
    {
        using var folder = new TempFolder();
        var spec = SmallCampaign.Write(folder.Path, members: 4);

        var run = await Cli.To(Farm).RunAsync("submit", spec);

        Assert.Equal(FarmExitCodes.Ok, run.ExitCode);
        var id = long.Parse(run.Output);
        Assert.StartsWith($"submitted campaign {id} 'small': 4 trials", run.Error);
        var campaign = await Farm.WaitForEndAsync(id);
        Assert.Equal(EnsembleFarm.Models.Data.DatasetFingerprint.Sha256(folder["small.csv"]), campaign.DatasetSha256);
        Assert.Equal(folder["small.csv"], campaign.DatasetPath);
        Assert.Equal([0, 1, 2, 3], (await Farm.Store.GetTrialsAsync(id, Ct)).Select(t => t.Index).Order());
    }

    [Fact]
    public async Task Submit_wait_keeps_stdout_to_the_id_so_a_script_can_capture_it()
    {
        using var folder = new TempFolder();
        var spec = SmallCampaign.Write(folder.Path, members: 3);

        var run = await Cli.To(Farm).RunAsync("submit", spec, "--wait");

        Assert.Equal(FarmExitCodes.Ok, run.ExitCode);
        var id = long.Parse(run.Output);
        Assert.True(run.Error.Contains($"campaign {id} completed: 3/3 done", StringComparison.Ordinal), run.Error);
        Assert.EndsWith($"campaign {id} completed ('farm results {id}' for average vs vote)\n", run.Error);
    }

    [Fact]
    public async Task Resume_carries_on_with_the_unfinished_campaign_of_the_same_spec_instead_of_a_duplicate()
    {
        using var folder = new TempFolder();
        var spec = SmallCampaign.Write(folder.Path, members: 3);
        var gate = new TaskCompletionSource();
        Farm.Trainer.Behaviour = (_, ct) => gate.Task.WaitAsync(ct);
        try
        {
            var first = await Cli.To(Farm).RunAsync("submit", spec);
            var again = await Cli.To(Farm).RunAsync("submit", spec, "--resume");

            Assert.Equal(first.Output, again.Output);
            Assert.StartsWith($"resumed campaign {first.Output.Trim()} 'small'", again.Error);
        }
        finally
        {
            gate.SetResult();
            Farm.Trainer.Behaviour = (_, _) => Task.CompletedTask;
        }
    }
}
