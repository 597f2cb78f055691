using System.Globalization;
using System.Text.Json.Nodes;
using EnsembleFarm.Domain.Search;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Grains.Training;
using EnsembleFarm.Store;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Client.Tests;

/// <summary>
/// <c>farm results</c>, <c>status</c> and <c>list</c> of a search campaign, on searches whose outcome the test decides
/// (a scripted trainer reports a made-up loss of the learning rate): what the report says is checked against the store.
/// </summary>
public sealed class SearchResultsTests(FarmFixture fixture) : IClassFixture<FarmFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private InProcessFarm Farm => fixture.Farm;

    private const string Rate = "training.optimizer.learning_rate";

    /// <summary>Minimal at a learning rate of 0.01.</summary>
    private static double Loss(double rate) => Math.Pow(Math.Log10(rate) + 2, 2);

    private static double RateOf(ClaimedTrial trial) => SearchParameters.FromJson(trial.Trial.ParamsJson)[Rate].AsDouble();

    private static string SearchYaml(string name, string search) => $$$"""
        name: {{{name}}}
        kind: search
        seed: 3
        dataset: {path: small.csv, target: y, task: binary, id_column: id}
        model: {hidden: [8]}
        training: {epochs: 6, batch_size: 16, optimizer: {name: sgd, learning_rate: 0.1}}
        search:
        {{{string.Join("\n", search.Split('\n').Select(line => "  " + line))}}}
        """;

    private async Task<long> RunAsync(string name, string search)
    {
        SmallCampaign.WriteDataset(Farm.Folder);
        var id = await Farm.SubmitAsync(SearchYaml(name, search), name + ".yaml");
        var campaign = await Farm.WaitForEndAsync(id, TimeSpan.FromSeconds(90));
        Assert.Equal(CampaignState.Completed, campaign.State);
        return id;
    }

    /// <summary>Ten enqueued rates; those near 0.01 learn (1/epoch), the others stay at 2 and the median pruner stops them.</summary>
    private async Task<long> PrunedSearchAsync()
    {
        Farm.Trainer.Behaviour = (_, _) => Task.CompletedTask;
        Farm.Trainer.FinalMetrics = trial => new Dictionary<string, double> { ["val_loss"] = Loss(RateOf(trial)) };
        Farm.Trainer.Reporting = async (trial, progress, ct) =>
        {
            var learns = Loss(RateOf(trial)) <= 0.25;
            for (var epoch = 1; epoch <= 6; epoch++)
            {
                if (!progress.ReportEpoch(epoch, new Dictionary<string, double> { ["val_loss"] = learns ? 1.0 / epoch : 2.0 }, 100)) break;
                await Task.Delay(100, ct);
            }
        };
        return await RunAsync("pruned", """
            trials: 10
            sampler: {name: random, seed: 1}
            pruner: {name: median, n_startup_trials: 2, n_warmup_steps: 1}
            enqueue:
              - {training.optimizer.learning_rate: 0.01}
              - {training.optimizer.learning_rate: 0.02}
              - {training.optimizer.learning_rate: 0.5}
              - {training.optimizer.learning_rate: 0.005}
              - {training.optimizer.learning_rate: 0.0001}
              - {training.optimizer.learning_rate: 0.012}
              - {training.optimizer.learning_rate: 0.9}
              - {training.optimizer.learning_rate: 0.008}
              - {training.optimizer.learning_rate: 0.0003}
              - {training.optimizer.learning_rate: 0.03}
            space:
              training.optimizer.learning_rate: {float: [1.0e-4, 1.0], log: true}
            """);
    }

    [Fact]
    public async Task Json_ranks_the_completed_trials_and_follows_the_best_so_far_as_the_store_holds_them()
    {
        var id = await PrunedSearchAsync();

        var run = await Cli.To(Farm).RunAsync("results", id.ToString(CultureInfo.InvariantCulture), "--json");

        Assert.Equal(FarmExitCodes.Ok, run.ExitCode);
        var report = JsonNode.Parse(run.Output)!;
        var trials = (await Farm.Store.GetTrialsAsync(id, Ct)).OrderBy(t => t.Index).ToList();
        var completed = trials.Where(t => t.State == TrialState.Completed).ToList();
        var rates = trials.ToDictionary(t => t.Index, t => SearchParameters.FromJson(t.ParamsJson)[Rate].AsDouble());
        Assert.NotEmpty(completed);
        Assert.Contains(trials, t => t.State == TrialState.Pruned);

        Assert.Equal(10, report["trials"]!.AsArray().Count);
        Assert.Equal(
            completed.Select(t => t.Index).OrderBy(i => Loss(rates[i])).ThenBy(i => i),
            report["best"]!.AsArray().Select(t => (int)t!["number"]!));
        Assert.Equal(0, (int)report["best"]![0]!["number"]!);
        var history = report["history"]!.AsArray();
        Assert.Equal(completed.Select(t => t.Index), history.Select(h => (int)h!["number"]!));
        var best = double.PositiveInfinity;
        foreach (var point in history)
        {
            best = Math.Min(best, (double)point!["value"]!);
            Assert.Equal(best, (double)point["best_so_far"]!);
        }
        // Every learner reported 1/epoch, every pruned trial 2: the medians at epoch 1 say so.
        var first = report["curves"]!.AsArray().Single(c => (int)c!["epoch"]! == 1)!;
        Assert.Equal(1.0, (double)first["completed"]!["median"]!);
        Assert.Equal(2.0, (double)first["pruned"]!["median"]!);
        Assert.All(report["trials"]!.AsArray().Where(t => (string)t!["state"]! == "pruned"),
            t => Assert.StartsWith("val_loss 2 at epoch", (string)t!["error"]!));
        Assert.Empty(report["pareto_front"]!.AsArray());
    }

    [Fact]
    public async Task Tables_csv_status_and_list_tell_the_same_search()
    {
        var id = await PrunedSearchAsync();
        var text = id.ToString(CultureInfo.InvariantCulture);
        var csvPath = Path.Combine(Farm.Folder, $"search-{id}.csv");

        var tables = await Cli.To(Farm).RunAsync("results", text, "--csv", csvPath);
        var status = await Cli.To(Farm).RunAsync("status", text);
        var list = await Cli.To(Farm).RunAsync("list");

        Assert.Equal(FarmExitCodes.Ok, tables.ExitCode);
        var trials = await Farm.Store.GetTrialsAsync(id, Ct);
        var pruned = trials.Count(t => t.State == TrialState.Pruned);
        Assert.Contains($"campaign {id} 'pruned' (search, completed): 10 of 10 trials; completed {10 - pruned}, running 0, queued 0, failed 0, cancelled 0, pruned {pruned}", tables.Output);
        Assert.Contains("objectives: minimize val_loss", tables.Output);
        Assert.Matches(@"(?m)^1\s+0\s+0\s+6\s+training\.optimizer\.learning_rate=0\.01\s*$", tables.Output);
        Assert.Contains("Optimisation history: each new best val_loss", tables.Output);
        Assert.Contains("Learning curves: median val_loss by epoch, completed vs pruned trials", tables.Output);
        Assert.Contains($"Parameter importance: parameter importance needs at least 8 completed trials; {10 - pruned} so far", tables.Output);

        var csv = await File.ReadAllLinesAsync(csvPath, Ct);
        Assert.Equal("trial,trial_id,state,val_loss,epochs,pruned_step,training.optimizer.learning_rate,error", csv[0]);
        Assert.Equal(11, csv.Length);
        Assert.StartsWith("0,", csv[1]);
        Assert.Contains(",completed,0,6,,0.01,", csv[1]);

        Assert.Equal(FarmExitCodes.Ok, status.ExitCode);
        Assert.Contains($"  search: 10 of up to 10 trials (minimize val_loss); best val_loss 0 (trial 0); 'farm results {id}' for the rest", status.Output);
        Assert.Matches($@"(?m)^{id}\s+pruned\s+search\s+completed\s+10/10\s", list.Output);
    }

    [Fact]
    public async Task Two_objectives_give_the_pareto_front_and_importance_finds_the_parameter_that_matters_and_chromium_draws_them()
    {
        Farm.Trainer.Behaviour = (_, _) => Task.CompletedTask;
        Farm.Trainer.Reporting = (trial, progress, _) =>
        {
            for (var epoch = 1; epoch <= 3; epoch++)
                progress.ReportEpoch(epoch, new Dictionary<string, double> { ["val_loss"] = Loss(RateOf(trial)) + (1.0 / epoch) }, 100);
            return Task.CompletedTask;
        };
        // The loss depends on the rate alone; the accuracy (maximised) on the batch size alone, against small batches.
        Farm.Trainer.FinalMetrics = trial =>
        {
            var parameters = SearchParameters.FromJson(trial.Trial.ParamsJson);
            return new Dictionary<string, double>
            {
                ["val_loss"] = Loss(parameters[Rate].AsDouble()),
                ["val_accuracy"] = 1 - (1.0 / parameters["training.batch_size"].AsInt()),
            };
        };
        var id = await RunAsync("pareto", """
            trials: 16
            sampler: {name: random, seed: 5}
            objectives:
              - {metric: val_loss, direction: minimize}
              - {metric: val_accuracy, direction: maximize}
            space:
              training.optimizer.learning_rate: {float: [1.0e-4, 1.0], log: true}
              training.batch_size: {int: [2, 64]}
            """);

        var run = await Cli.To(Farm).RunAsync("results", id.ToString(CultureInfo.InvariantCulture), "--json");

        Assert.Equal(FarmExitCodes.Ok, run.ExitCode);
        var report = JsonNode.Parse(run.Output)!;
        var points = report["trials"]!.AsArray().Select(t => ((int)t!["number"]!, (double)t["values"]![0]!, (double)t["values"]![1]!)).ToList();
        Assert.Equal(16, points.Count);
        var front = points.Where(p => !points.Any(q => q.Item2 <= p.Item2 && q.Item3 >= p.Item3 && (q.Item2 < p.Item2 || q.Item3 > p.Item3)))
            .Select(p => p.Item1).Order();
        Assert.Equal(front, report["pareto_front"]!.AsArray().Select(t => (int)t!["number"]!).Order());
        var importance = report["importance"]!;
        Assert.True((double)importance[Rate]! > 0.8, run.Output);
        Assert.Equal(1.0, (double)importance[Rate]! + (double)importance["training.batch_size"]!, 6);

        var tables = await Cli.To(Farm).RunAsync("results", id.ToString(CultureInfo.InvariantCulture));
        Assert.Contains("Best trials (Pareto front first, then each further front, by the first objective)", tables.Output);
        Assert.Contains($"Pareto front: {front.Count()} trials no other trial beats on every objective", tables.Output);
        Assert.Contains("Parameter importance for val_loss", tables.Output);

        using var folder = new TempFolder();
        var numbers = points.Select(p => p.Item1).ToList();
        var best = points.MinBy(p => (p.Item2, p.Item1)).Item1;
        await HtmlReportTests.AssertDrawnAsync(Farm, id, "pareto", folder, new Dictionary<string, List<(string Name, int Points)>>
        {
            ["search-history"] = [("completed trial", 16), ("best so far", 16)],
            // Two parameters and the objective; the best tenth (1 of 16) drawn last, over the others.
            ["search-parallel"] = [.. numbers.Where(n => n != best).Append(best).Select(n => ($"trial {n}", 3))],
            ["search-importance"] = [("importance", 2)],
            ["search-pareto"] = [("completed trial", 16), ("Pareto front", front.Count())],
            ["search-curves"] = [("completed trials", 3), .. numbers.Skip(1).Select(n => ($"trial {n}", 3))],
        });
    }

    [Fact]
    public async Task Predicting_with_a_search_is_refused_with_what_to_do_instead()
    {
        Farm.Trainer.Behaviour = (_, _) => Task.CompletedTask;
        Farm.Trainer.Reporting = (_, _, _) => Task.CompletedTask;
        Farm.Trainer.FinalMetrics = trial => new Dictionary<string, double> { ["val_loss"] = Loss(RateOf(trial)) };
        var id = await RunAsync("refused", """
            trials: 3
            sampler: {name: random, seed: 2}
            space:
              training.optimizer.learning_rate: {float: [1.0e-4, 1.0], log: true}
            """);

        var predict = await Cli.To(Farm).RunAsync("predict", id.ToString(CultureInfo.InvariantCulture), Path.Combine(Farm.Folder, "small.csv"));

        Assert.Equal(FarmExitCodes.BadInput, predict.ExitCode);
        Assert.Contains($"campaign {id} 'refused' is a search campaign, not an ensemble: predicting with all its trials needs an ensemble", predict.Error);
        Assert.Contains($"ensemble.from_search: {{campaign: {id}, top: K}}", predict.Error);
    }
}
