using System.Text.Json.Nodes;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Client.Tests;

/// <summary>The scripted trainer stores one epoch per member: epoch 0, val_loss 0.5.</summary>
public sealed class CurvesTests(FarmFixture fixture) : IClassFixture<FarmFixture>
{
    private InProcessFarm Farm => fixture.Farm;

    private async Task<long> CompletedAsync()
    {
        var id = await Farm.SubmitAsync(members: 2, name: "curved");
        await Farm.WaitForEndAsync(id);
        return id;
    }

    [Fact]
    public async Task The_table_has_a_line_per_member_and_one_member_has_a_line_per_epoch()
    {
        var id = await CompletedAsync();

        var all = await Cli.To(Farm).RunAsync("curves", id.ToString());
        var one = await Cli.To(Farm).RunAsync("curves", id.ToString(), "--trial", "1");

        Assert.Equal(FarmExitCodes.Ok, all.ExitCode);
        var lines = all.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"campaign {id} 'curved': 2 members, the last epoch of each ('--trial N' for every epoch of one; --csv or --json for all)", lines[0]);
        Assert.Matches(@"^#\s+state\s+epochs\s+val_loss\s*$", lines[1]);
        Assert.Matches(@"^0\s+completed\s+1\s+0\.5000\s*$", lines[2]);
        Assert.Matches(@"^1\s+completed\s+1\s+0\.5000\s*$", lines[3]);
        Assert.Equal(4, lines.Length);
        var oneLines = one.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"campaign {id} 'curved', member 1 (completed, attempt 1): 1 epochs", oneLines[0]);
        Assert.Matches(@"^epoch\s+val_loss\s*$", oneLines[1]);
        Assert.Matches(@"^0\s+0\.5000\s*$", oneLines[2]);
    }

    [Fact]
    public async Task Csv_and_json_give_every_epoch()
    {
        var id = await CompletedAsync();

        var csv = await Cli.To(Farm).RunAsync("curves", id.ToString(), "--csv");
        var json = await Cli.To(Farm).RunAsync("curves", id.ToString(), "--json", "--trial", "0");

        Assert.Equal((FarmExitCodes.Ok, "trial,epoch,val_loss\n0,0,0.5\n1,0,0.5\n"), (csv.ExitCode, csv.Output));
        var trials = JsonNode.Parse(json.Output)!["trials"]!.AsArray();
        var trial = Assert.Single(trials)!;
        Assert.Equal((0, "completed"), ((int)trial["index"]!, (string)trial["state"]!));
        Assert.Equal(0.5, (double)trial["epochs"]![0]!["metrics"]!["val_loss"]!);
    }

    [Theory]
    [InlineData("--trial", "7")]
    [InlineData("--csv", "--json")]
    public async Task Bad_options_exit_2(string first, string second)
    {
        var id = await CompletedAsync();

        var run = await Cli.To(Farm).RunAsync("curves", id.ToString(), first, second);

        Assert.Equal(FarmExitCodes.BadInput, run.ExitCode);
        Assert.Equal(first == "--trial" ? $"error: --trial: campaign {id} has no member 7 (its members are 0-1)\n" : "error: give --csv or --json, not both\n", run.Error);
    }
}
