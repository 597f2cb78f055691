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
        var output = JsonNode.Parse(run.Output)!.AsObject();
        var campaign = output["campaign"]!;
        var stored = (await Farm.Store.GetCampaignAsync(id, Ct))!;
        Assert.Equal((id, "small", "completed", stored.DatasetSha256, stored.SpecYaml),
            ((long)campaign["id"]!, (string)campaign["name"]!, (string)campaign["state"]!, (string)campaign["dataset_sha256"]!, (string)campaign["spec_yaml"]!));
        Assert.Equal([0, 1, 2], output["training"]!.AsArray().Select(t => (int)t!["index"]!));
        Assert.All(output["training"]!.AsArray(), t => Assert.Equal(1, (int)t!["epochs"]!));
        output.Remove("campaign");
        output.Remove("training");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected.ToJson()), output), run.Output);
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
    public async Task Tables_show_every_metric_with_its_interval_the_paired_differences_and_tests_and_how_the_members_trained()
    {
        var id = await CompletedCampaignAsync(3, (member, k) => ((member * 7) + k) % 10 / 10f);

        var run = await Cli.To(Farm).RunAsync("results", id.ToString());

        Assert.Equal(FarmExitCodes.Ok, run.ExitCode);
        var lines = run.Output.Split('\n');
        var interval = @"\d\.\d{4} \[\d\.\d{4}, \d\.\d{4}\]";
        var signed = @"[+-]?\d\.\d{4} \[[+-]?\d\.\d{4}, [+-]?\d\.\d{4}\]";
        Assert.Contains("Ensemble on the test part (95 % bootstrap intervals over the test rows, 1000 resamples)", lines);
        Assert.Matches($@"^accuracy\s+{interval}\s+{interval}\s*$", lines.First(l => l.StartsWith("accuracy", StringComparison.Ordinal)));
        Assert.Contains("Differences (paired: both sides on the same resamples; read these, not the overlap of two intervals)", lines);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^metric\s+average - vote\s+average - mean_member\s*$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"^auc\s+{signed}\s+{signed}\s*$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^average - vote\s+accuracy\s+mcnemar_(exact|chi2)\s+\S+\s+\S+\s+\S+\s+\d+ average only, \d+ vote only\s*$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^average - vote\s+auc\s+delong\s"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^average - mean_member\s+accuracy\s+paired_z\s"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^average - mean_member\s+auc\s+delong\s"));
        Assert.Matches($@"^accuracy\s+{interval}\s+\d\.\d{{4}}\s+\d\.\d{{4}}\s+\d\.\d{{4}}\s*$",
            lines.SkipWhile(l => l != "Members, each on its own").First(l => l.StartsWith("accuracy", StringComparison.Ordinal)));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l,
            @"^  training: 3 members, epochs mean 1 \(min 1, max 1\), time per member mean \d+:\d\d \(min \d+:\d\d, max \d+:\d\d\)$"));
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
