using System.Text.Json.Nodes;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Models;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Client.Tests;

public sealed class CompareTests(FarmFixture fixture) : IClassFixture<FarmFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private InProcessFarm Farm => fixture.Farm;

    private async Task<long> CompletedAsync(string name, Func<int, int, float> prediction)
    {
        Farm.Trainer.Prediction = prediction;
        var id = await Farm.SubmitAsync(members: 3, name: name);
        await Farm.WaitForEndAsync(id);
        return id;
    }

    [Fact]
    public async Task Two_campaigns_stand_side_by_side_each_metric_with_its_interval()
    {
        var a = await CompletedAsync("left", (member, k) => ((member * 7) + k) % 10 / 10f);
        var b = await CompletedAsync("right", (member, k) => ((member * 3) + k) % 10 / 10f);

        var table = await Cli.To(Farm).RunAsync("compare", a.ToString(), b.ToString());
        var json = await Cli.To(Farm).RunAsync("compare", a.ToString(), b.ToString(), "--json");

        Assert.Equal(FarmExitCodes.Ok, table.ExitCode);
        var lines = table.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"campaign {a} 'left' (completed): 3 members, ", lines[0]);
        Assert.StartsWith($"campaign {b} 'right' (completed): 3 members, ", lines[1]);
        Assert.Equal("each value with its 95 % bootstrap interval over its own campaign's test rows", lines[2]);
        Assert.Matches($@"^metric\s+{a} average\s+{a} vote\s+{b} average\s+{b} vote\s*$", lines[3]);
        var interval = @"\d\.\d{4} \[\d\.\d{4}, \d\.\d{4}\]";
        Assert.Matches($@"^accuracy\s+{interval}\s+{interval}\s+{interval}\s+{interval}\s*$", lines[4]);
        Assert.Matches($@"^log_loss\s+{interval}\s+n/a\s+{interval}\s+n/a\s*$", lines.Single(l => l.StartsWith("log_loss", StringComparison.Ordinal)));

        var campaigns = JsonNode.Parse(json.Output)!["campaigns"]!.AsArray();
        Assert.Equal([a, b], campaigns.Select(c => (long)c!["id"]!));
        var expected = EnsembleAggregator.Aggregate(TaskKind.Binary, 2, await Farm.Store.GetTestSetAsync(b, Ct), await Farm.Store.GetPredictionsAsync(b, Ct));
        Assert.Equal(expected.Intervals!["average"]["auc"]!.Lower, (double)campaigns[1]!["intervals"]!["average"]!["auc"]!["lower"]!);
        Assert.Equal(expected.Ensemble["vote"]["accuracy"], (double)campaigns[1]!["ensemble"]!["vote"]!["accuracy"]!);
    }

    [Fact]
    public async Task Campaigns_of_different_tasks_or_a_single_one_exit_2_and_an_unknown_one_3()
    {
        var binary = await CompletedAsync("binary", (member, _) => 0.2f * member);
        SmallCampaign.WriteDataset(Farm.Folder);
        var regression = await Farm.SubmitAsync(SmallCampaign.SpecYaml(2, name: "flow").Replace("task: binary", "task: regression", StringComparison.Ordinal), "flow.yaml");
        await Farm.WaitForEndAsync(regression);

        var tasks = await Cli.To(Farm).RunAsync("compare", binary.ToString(), regression.ToString());
        var single = await Cli.To(Farm).RunAsync("compare", binary.ToString(), binary.ToString());
        var unknown = await Cli.To(Farm).RunAsync("compare", binary.ToString(), "999");

        Assert.Equal((FarmExitCodes.BadInput, $"error: the campaigns have different tasks ({binary}: binary, {regression}: regression); compare campaigns of one task\n"),
            (tasks.ExitCode, tasks.Error));
        Assert.Equal((FarmExitCodes.BadInput, "error: compare needs two or more different campaign ids\n"), (single.ExitCode, single.Error));
        Assert.Equal((FarmExitCodes.NotFound, "error: no campaign with id 999\n"), (unknown.ExitCode, unknown.Error));
    }
}
