using System.Text.Json.Nodes;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Models;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Client.Tests;

public sealed class ResultsTests(FarmFixture fixture) : IClassFixture<FarmFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private InProcessFarm Farm => fixture.Farm;

    private async Task<long> CompletedCampaignAsync(int members, Func<int, int, float> prediction)
    {
        Farm.Trainer.Prediction = prediction;
        var id = await Farm.SubmitAsync(members);
        await Farm.WaitForEndAsync(id);
        return id;
    }

    [Fact]
    public async Task Json_results_equal_the_aggregator_on_the_stored_predictions()
    {
        var id = await CompletedCampaignAsync(3, (member, k) => ((member * 7) + k) % 10 / 10f);

        var run = await Cli.To(Farm).RunAsync("results", id.ToString(), "--json");

        Assert.Equal(FarmExitCodes.Ok, run.ExitCode);
        var expected = EnsembleAggregator.Aggregate(TaskKind.Binary, 2, await Farm.Store.GetTestSetAsync(id, Ct), await Farm.Store.GetPredictionsAsync(id, Ct));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected.ToJson()), JsonNode.Parse(run.Output)), run.Output);
        Assert.Equal(3, EnsembleReport.FromJson(run.Output).Members);
    }

    [Fact]
    public async Task Tables_show_both_rules_members_size_curve_and_disagreements()
    {
        // members 0.1, 0.51, 0.51 on every row: the average says no (0.373), the vote says yes (2 of 3)
        var id = await CompletedCampaignAsync(3, (member, _) => member == 0 ? 0.1f : 0.51f);

        var run = await Cli.To(Farm).RunAsync("results", id.ToString());

        Assert.Equal(FarmExitCodes.Ok, run.ExitCode);
        Assert.Contains("binary, 3 members", run.Output);
        Assert.Contains("Members, each on its own", run.Output);
        Assert.Contains("Ensemble size", run.Output);
        var testRows = (await Farm.Store.GetTestSetAsync(id, Ct)).RowIndices.Length;
        Assert.Contains($"average and vote disagree on {testRows} of {testRows} test rows", run.Output);
        Assert.Contains("0.373", run.Output);
        Assert.DoesNotContain("partial", run.Output);
        Assert.DoesNotContain("\u001b[", run.Output);
    }

    [Fact]
    public async Task Csv_gets_one_line_per_test_row()
    {
        var id = await CompletedCampaignAsync(2, (member, _) => 0.3f + (0.2f * member));
        using var folder = new TempFolder();

        var run = await Cli.To(Farm).RunAsync("results", id.ToString(), "--csv", folder["rows.csv"]);

        Assert.Equal(FarmExitCodes.Ok, run.ExitCode);
        var testRows = (await Farm.Store.GetTestSetAsync(id, Ct)).RowIndices.Length;
        var lines = await File.ReadAllLinesAsync(folder["rows.csv"], Ct);
        Assert.Equal(testRows + 1, lines.Length);
        Assert.StartsWith("row,id,target,", lines[0]);
    }

    [Fact]
    public async Task No_completed_member_exits_1()
    {
        var gate = new TaskCompletionSource();
        Farm.Trainer.Behaviour = (_, ct) => gate.Task.WaitAsync(ct);
        try
        {
            var id = await Farm.SubmitAsync(members: 2, name: "waiting");

            var run = await Cli.To(Farm).RunAsync("results", id.ToString());

            Assert.Equal(FarmExitCodes.CampaignNotCompleted, run.ExitCode);
            Assert.Contains("has no completed member yet: no results", run.Error);
        }
        finally
        {
            gate.SetResult();
            Farm.Trainer.Behaviour = (_, _) => Task.CompletedTask;
        }
    }
}
