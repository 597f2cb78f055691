using System.Diagnostics;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Data.Synthetic;
using EnsembleFarm.Silo.Training;
using EnsembleFarm.Store;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Silo.Tests;

/// <summary>
/// The command trainer on a real in-process farm, with small programs that break the protocol in each way a trainer
/// can (docs/trainer-protocol.md), and with the PyTorch example trainer for a whole ensemble.
/// </summary>
public sealed class CommandTrainerTests
{
    private const string Python = "/usr/bin/python3";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<InProcessFarm> FarmAsync(TempFolder folder, string commandLine, long? memory = null, TimeSpan? timeout = null)
    {
        var options = new CommandTrainerOptions(new Dictionary<string, string> { ["fake"] = commandLine }, folder["work"], memory, timeout,
            TimeSpan.FromSeconds(1));
        return await InProcessFarm.StartAsync(silos: 1, slotsPerSilo: 2, commands: ["fake"], trainer: store =>
        {
            var campaigns = new CampaignCache(store);
            var datasets = new DatasetCache();
            return new TrainerChoice(campaigns, new BuiltInTrainer(campaigns, datasets), new CommandTrainer(campaigns, datasets, options));
        });
    }

    private static Task<long> SubmitAsync(InProcessFarm farm, int members = 1, int retries = 1, string alias = "fake", int epochs = 3)
    {
        SmallCampaign.WriteDataset(farm.Folder);
        return farm.SubmitAsync(SmallCampaign.SpecYaml(members, epochs, retries: retries) + $"\ntrainer: {{command: {alias}}}\n", "small.yaml");
    }

    /// <summary>Runs a campaign of one member with two attempts through the program; returns the failed trial after both.</summary>
    private static async Task<TrialRecord> FailingTrialAsync(TempFolder folder, string program, long? memory = null, TimeSpan? timeout = null)
    {
        var script = folder["trainer.sh"];
        await File.WriteAllTextAsync(script, program, Ct);
        await using var farm = await FarmAsync(folder, $"/bin/sh {script}", memory, timeout);
        var campaignId = await SubmitAsync(farm);
        Assert.Equal(CampaignState.Failed, (await farm.WaitForEndAsync(campaignId, TimeSpan.FromSeconds(60))).State);
        var trial = Assert.Single(await farm.Store.GetTrialsAsync(campaignId, Ct));
        Assert.Equal(TrialState.Failed, trial.State);
        // retries: 1 gives a second attempt, which fails the same way; neither leaves predictions.
        Assert.Equal(2, trial.Attempt);
        Assert.Equal(2, (await farm.Store.GetAttemptsAsync(trial.Id, Ct)).Count);
        Assert.Empty(await farm.Store.GetPredictionsAsync(campaignId, Ct));
        return trial;
    }

    /// <summary>A Python snippet that writes outputs for the trial file in $1 (rows: the test rows' count).</summary>
    private static string PythonOutputs(string body) => $$$"""
        exec {{{Python}}} - "$1" <<'PY'
        import json, sys, os
        trial = json.load(open(sys.argv[1]))
        out, rows = trial["output"], len(trial["rows"]["test"])
        print(json.dumps({"epoch": 1, "metrics": {"val_loss": 0.5}}), flush=True)
        {{{body}}}
        PY
        """;

    [Fact]
    public async Task A_crash_fails_the_attempt_with_its_exit_code_and_the_end_of_its_stderr()
    {
        using var folder = new TempFolder();
        var trial = await FailingTrialAsync(folder, "echo 'Traceback: boom in layer 3' >&2\nexit 3\n");
        Assert.Contains("trainer command 'fake' failed with exit code 3", trial.Error);
        Assert.Contains("boom in layer 3", trial.Error);
    }

    [Fact]
    public async Task A_hanging_trainer_is_stopped_at_the_timeout_with_its_whole_process_group()
    {
        using var folder = new TempFolder();
        var pids = folder["pids"];
        var trial = await FailingTrialAsync(folder, $"sleep 600 &\necho $! >> {pids}\nwait\n", timeout: TimeSpan.FromSeconds(2));
        Assert.Contains("ran past the silo's trainer timeout", trial.Error);
        await AssertAllGoneAsync(pids);
    }

    [Fact]
    public async Task A_trainer_that_ignores_SIGTERM_gets_SIGKILL_after_the_grace()
    {
        using var folder = new TempFolder();
        var pids = folder["pids"];
        var timer = Stopwatch.StartNew();
        var trial = await FailingTrialAsync(folder, $"trap '' TERM\nsleep 600 &\necho $! >> {pids}\nwait\nsleep 600\n", timeout: TimeSpan.FromSeconds(2));
        Assert.Contains("SIGKILL after 1 s", trial.Error);
        await AssertAllGoneAsync(pids);
        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(50), $"two attempts took {timer.Elapsed}");
    }

    [Fact]
    public async Task A_line_that_is_not_protocol_JSON_fails_the_attempt_naming_the_line()
    {
        using var folder = new TempFolder();
        var trial = await FailingTrialAsync(folder, "echo '{\"epoch\": 1, \"metrics\": {\"val_loss\": 0.5}}'\necho 'loading weights...'\nsleep 30\n");
        Assert.Contains("broke the protocol: stdout line 2", trial.Error);
        Assert.Contains("'loading weights...'", trial.Error);
    }

    [Fact]
    public async Task A_trainer_over_its_memory_limit_fails_saying_so()
    {
        using var folder = new TempFolder();
        var trial = await FailingTrialAsync(folder, $"exec {Python} -c 'x = bytearray(1 << 30)'\n", memory: 256L << 20);
        Assert.Contains("ran out of memory: it may map 256 MiB (--trainer-memory)", trial.Error);
        Assert.Contains("MemoryError", trial.Error);
    }

    [Fact]
    public async Task A_trainer_that_writes_no_predictions_fails()
    {
        using var folder = new TempFolder();
        var trial = await FailingTrialAsync(folder, PythonOutputs("""json.dump({"val_loss": 0.5}, open(os.path.join(out, "metrics.json"), "w"))"""));
        Assert.Contains("exited 0 but its output is unusable: the trainer wrote no predictions.csv", trial.Error);
    }

    [Fact]
    public async Task Predictions_with_the_wrong_number_of_rows_fail()
    {
        using var folder = new TempFolder();
        var trial = await FailingTrialAsync(folder, PythonOutputs(
            """json.dump({"val_loss": 0.5}, open(os.path.join(out, "metrics.json"), "w")); open(os.path.join(out, "predictions.csv"), "w").write("0.5\n" * 3)"""));
        Assert.Contains("predictions.csv has 3 rows; the test part has", trial.Error);
    }

    [Fact]
    public async Task NaN_in_predictions_or_metrics_fails()
    {
        using var folder = new TempFolder();
        var trial = await FailingTrialAsync(folder, PythonOutputs(
            """json.dump({"val_loss": 0.5}, open(os.path.join(out, "metrics.json"), "w")); open(os.path.join(out, "predictions.csv"), "w").write("nan\n" + "0.5\n" * (rows - 1))"""));
        Assert.Contains("predictions.csv line 1: 'nan' is not a finite number", trial.Error);

        using var other = new TempFolder();
        trial = await FailingTrialAsync(other, PythonOutputs("""json.dump({"val_loss": float("nan")}, open(os.path.join(out, "metrics.json"), "w"))"""));
        Assert.Contains("metrics.json is not valid JSON", trial.Error);
    }

    [Fact]
    public async Task A_campaign_asking_for_an_alias_no_silo_allows_is_refused_at_submit()
    {
        using var folder = new TempFolder();
        await using var farm = await FarmAsync(folder, "/bin/true");
        SmallCampaign.WriteDataset(farm.Folder);

        var result = await farm.Farm.SubmitAsync(new SubmitRequest(
            SmallCampaign.SpecYaml(1) + "\ntrainer: {command: tensorflow}\n", farm.Folder, "small.yaml", Resume: false));

        Assert.Equal(SubmitOutcome.CannotRun, result.Outcome);
        var problem = Assert.Single(result.Problems);
        Assert.Contains("no live silo allows trainer command 'tensorflow' (the live silos allow: fake)", problem);
        Assert.Contains("EnsembleFarm__Silo__Commands__tensorflow", problem);
    }

    [Fact]
    public async Task A_20_member_ensemble_trains_through_the_PyTorch_trainer_and_aggregates_like_the_built_in_one()
    {
        try
        {
            await DebianPackages.EnsureAsync("python3-torch", TorchImports, "PyTorch for /usr/bin/python3", Ct);
        }
        catch (InvalidOperationException e)
        {
            Assert.Skip($"the PyTorch trainer needs python3-torch: {e.Message}");
        }
        using var folder = new TempFolder();
        var trainer = Path.Combine(RepositoryRoot(), "examples", "trainers", "pytorch_trainer.py");
        await using var farm = await FarmAsync(folder, $"{Python} {trainer}");
        var campaignId = await SubmitAsync(farm, members: 20, epochs: 5);

        Assert.Equal(CampaignState.Completed, (await farm.WaitForEndAsync(campaignId, TimeSpan.FromMinutes(8))).State);
        var testSet = await farm.Store.GetTestSetAsync(campaignId, Ct);
        var predictions = await farm.Store.GetPredictionsAsync(campaignId, Ct);
        Assert.Equal(20, predictions.Count);
        var data = CsvDataset.Read(Path.Combine(farm.Folder, "small.csv"), new CsvDatasetOptions(["y"], TaskKind.Binary, "id"));
        foreach (var member in predictions.Take(3))
        {
            Assert.Equal(Enumerable.Range(1, 5), (await farm.Store.GetEpochMetricsAsync(member.TrialId, Ct)).Select(e => e.Epoch));
            // The stored model, loaded back as predict loads it, gives the stored predictions.
            var stored = await farm.Store.GetModelAsync(member.TrialId, Ct);
            var model = TrainedModel.Deserialize(stored!.Weights, stored.Json);
            var again = model.Predict(data.Select(testSet.RowIndices));
            Assert.All(again.Zip(member.TestPredictions), p => Assert.Equal(p.Second, p.First, 2e-3f));
        }

        var report = EnsembleAggregator.Aggregate(TaskKind.Binary, 2, testSet, predictions);
        Assert.Equal(20, report.Members);
        Assert.Equal(["average", "vote"], report.Rules.Select(r => r.Name));
        Assert.InRange(report.Ensemble["average"]["accuracy"]!.Value, 0.7, 1);
    }

    [Fact]
    public async Task A_1D_CNN_on_the_AGN_spectra_trains_through_the_PyTorch_trainer_and_its_models_predict_in_the_farm()
    {
        try
        {
            await DebianPackages.EnsureAsync("python3-torch", TorchImports, "PyTorch for /usr/bin/python3", Ct);
        }
        catch (InvalidOperationException e)
        {
            Assert.Skip($"the PyTorch trainer needs python3-torch: {e.Message}");
        }
        using var folder = new TempFolder();
        var trainer = Path.Combine(RepositoryRoot(), "examples", "trainers", "pytorch_trainer.py");
        await using var farm = await FarmAsync(folder, $"{Python} {trainer}");
        await using (var writer = new StreamWriter(Path.Combine(farm.Folder, "agn.csv"))) AgnSpectra.Write(writer, 600, 5);
        // examples/agn-cnn.yaml, smaller: the same architecture, fewer spectra, members and epochs.
        var spec = File.ReadAllText(Path.Combine(RepositoryRoot(), "examples", "agn-cnn.yaml"))
            .Replace("../data/agn-spectra.csv", "agn.csv", StringComparison.Ordinal)
            .Replace("epochs: 15", "epochs: 4", StringComparison.Ordinal)
            .Replace("members: 5", "members: 2", StringComparison.Ordinal)
            .Replace("command: pytorch", "command: fake", StringComparison.Ordinal);
        var campaignId = await farm.SubmitAsync(spec, "agn-cnn.yaml");

        var campaign = await farm.WaitForEndAsync(campaignId, TimeSpan.FromMinutes(5));
        var trials = await farm.Store.GetTrialsAsync(campaignId, Ct);
        Assert.True(campaign.State == CampaignState.Completed, string.Join("\n", trials.Select(t => t.Error)));
        var testSet = await farm.Store.GetTestSetAsync(campaignId, Ct);
        var data = CsvDataset.Read(Path.Combine(farm.Folder, "agn.csv"), AgnSpectra.CsvOptions);
        foreach (var member in await farm.Store.GetPredictionsAsync(campaignId, Ct))
        {
            Assert.Equal(4, member.PredictionWidth);
            var stored = await farm.Store.GetModelAsync(member.TrialId, Ct);
            var again = TrainedModel.Deserialize(stored!.Weights, stored.Json).Predict(data.Select(testSet.RowIndices));
            Assert.All(again.Zip(member.TestPredictions), p => Assert.Equal(p.Second, p.First, 2e-3f));
        }
        var report = EnsembleAggregator.Aggregate(TaskKind.Multiclass, 4, testSet, await farm.Store.GetPredictionsAsync(campaignId, Ct));
        // Four classes: chance is about 0.25; four epochs of the CNN already separate the spectra's lines.
        Assert.InRange(report.Ensemble["average"]["accuracy"]!.Value, 0.5, 1);
    }

    private static bool TorchImports()
    {
        using var probe = Process.Start(new ProcessStartInfo(Python, ["-c", "import torch"]) { RedirectStandardError = true });
        probe!.WaitForExit();
        return probe.ExitCode == 0;
    }

    private static string RepositoryRoot()
    {
        var folder = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(folder, "EnsembleFarm.sln"))) folder = Path.GetDirectoryName(folder)!;
        return folder;
    }

    /// <summary>The background children of both attempts (one line each) are dead: gone, or zombies left for init to reap.</summary>
    private static async Task AssertAllGoneAsync(string pidFile)
    {
        var pids = File.ReadAllLines(pidFile).Select(int.Parse).ToList();
        Assert.Equal(2, pids.Count);
        foreach (var pid in pids)
            await Eventually.TrueAsync(() => !File.Exists($"/proc/{pid}/stat") || File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal),
                TimeSpan.FromSeconds(5), $"process {pid} to be gone");
    }
}
