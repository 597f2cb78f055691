using System.Text.Json.Nodes;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.Models;

namespace EnsembleFarm.Client.Tests;

public sealed class ResultsTests
{
    [Fact]
    public async Task Json_results_equal_the_aggregator_on_the_stored_predictions()
    {
        await using var farm = new FarmFolder();
        var id = long.Parse((await farm.FarmAsync("submit", farm.WriteSpec(members: 3))).Output.Trim());
        await using var store = await farm.OpenStoreAsync();
        await new FakeSilo(store, "silo-a").CompleteAllAsync(id);
        var ct = TestContext.Current.CancellationToken;

        var run = await farm.FarmAsync("results", id.ToString(), "--json");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var expected = EnsembleAggregator.Aggregate(TaskKind.Binary, 2, await store.GetTestSetAsync(id, ct), await store.GetPredictionsAsync(id, ct));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected.ToJson()), JsonNode.Parse(run.Output)), run.Output);
        Assert.Equal(3, EnsembleReport.FromJson(run.Output).Members);
    }

    [Fact]
    public async Task Tables_show_both_rules_members_size_curve_and_disagreements()
    {
        await using var farm = new FarmFolder();
        var id = (await farm.FarmAsync("submit", farm.WriteSpec(members: 3))).Output.Trim();
        await using var store = await farm.OpenStoreAsync();
        // members 0.1, 0.51, 0.51 on every row: the average says no (0.373), the vote says yes (2 of 3)
        await new FakeSilo(store, "silo-a").CompleteAsync(long.Parse(id), 3, (member, _) => member == 0 ? 0.1f : 0.51f);

        var run = await farm.FarmAsync("results", id);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("binary, 3 members", run.Output);
        Assert.Contains("average", run.Output);
        Assert.Contains("vote", run.Output);
        Assert.Contains("Members, each on its own", run.Output);
        Assert.Contains("Ensemble size", run.Output);
        var testRows = (await store.GetTestSetAsync(long.Parse(id), TestContext.Current.CancellationToken)).RowIndices.Length;
        Assert.Contains($"average and vote disagree on {testRows} of {testRows} test rows", run.Output);
        Assert.Contains("0.373", run.Output);
        Assert.DoesNotContain("\u001b[", run.Output);
    }

    [Fact]
    public async Task A_running_campaign_gives_results_on_the_members_so_far_and_says_so()
    {
        await using var farm = new FarmFolder();
        var id = long.Parse((await farm.FarmAsync("submit", farm.WriteSpec(members: 3))).Output.Trim());
        await using var store = await farm.OpenStoreAsync();
        await new FakeSilo(store, "silo-a").CompleteAsync(id, 2, FakeSilo.Spread);

        var run = await farm.FarmAsync("results", id.ToString(), "--json");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(2, EnsembleReport.FromJson(run.Output).Members);
        Assert.Contains($"campaign {id} is running: results on the 2 of 3 members completed so far", run.Error);
    }

    [Fact]
    public async Task Csv_gets_one_line_per_test_row()
    {
        await using var farm = new FarmFolder();
        var id = long.Parse((await farm.FarmAsync("submit", farm.WriteSpec(members: 2))).Output.Trim());
        await using var store = await farm.OpenStoreAsync();
        await new FakeSilo(store, "silo-a").CompleteAllAsync(id);
        var csv = Path.Combine(farm.Path, "rows.csv");

        var run = await farm.FarmAsync("results", id.ToString(), "--csv", csv);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var testRows = (await store.GetTestSetAsync(id, TestContext.Current.CancellationToken)).RowIndices.Length;
        var lines = await File.ReadAllLinesAsync(csv, TestContext.Current.CancellationToken);
        Assert.Equal(testRows + 1, lines.Length);
        Assert.StartsWith("row,id,target,", lines[0]);
    }

    [Fact]
    public async Task No_completed_member_exits_1()
    {
        await using var farm = new FarmFolder();
        var id = (await farm.FarmAsync("submit", farm.WriteSpec(members: 2))).Output.Trim();

        var run = await farm.FarmAsync("results", id);

        Assert.Equal(ExitCodes.CampaignNotCompleted, run.ExitCode);
        Assert.Contains("no completed member yet", run.Error);
    }

    [Fact]
    public async Task Multiclass_results_take_the_class_count_from_the_members_predictions()
    {
        await using var farm = new FarmFolder();
        var id = long.Parse((await farm.FarmAsync("submit", farm.WriteSpec(members: 2, multiclass: true))).Output.Trim());
        await using var store = await farm.OpenStoreAsync();
        // member m gives 0.6 to class (row + m) % 3 and 0.2 to the others
        await new FakeSilo(store, "silo-a").CompleteAsync(id, 2, (member, k) => (k / 3 + member) % 3 == k % 3 ? 0.6f : 0.2f, width: 3);
        var ct = TestContext.Current.CancellationToken;

        var run = await farm.FarmAsync("results", id.ToString(), "--json");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var report = EnsembleReport.FromJson(run.Output);
        Assert.Equal(("multiclass", 3, 2), (report.Task, report.ClassCount, report.Members));
        var expected = EnsembleAggregator.Aggregate(TaskKind.Multiclass, 3, await store.GetTestSetAsync(id, ct), await store.GetPredictionsAsync(id, ct));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected.ToJson()), JsonNode.Parse(run.Output)), run.Output);
        var tables = await farm.FarmAsync("results", id.ToString());
        Assert.Equal(ExitCodes.Ok, tables.ExitCode);
        Assert.Contains($"average and vote disagree on {report.Disagreements.Count} of {report.TestRows} test rows", tables.Output);
    }
}
