using System.Diagnostics;
using System.Globalization;
using EnsembleFarm.AppHost;
using EnsembleFarm.Grains.Planning;
using EnsembleFarm.Grains.Specs;
using EnsembleFarm.Grains.Store;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Training;

namespace EnsembleFarm.Bench;

/// <summary>
/// <c>farm-overhead</c>: what the farm costs on top of the training itself. The same campaign runs twice in
/// one invocation: (1) through the farm, as the AppHost runs it (silo processes on a fresh SQLite store,
/// <c>farm submit</c>, every epoch and result written to the store), timed from starting the silos until the
/// store says the campaign completed; (2) directly, the same members' trainings (same splits, seeds and
/// thread counts) back to back on as many worker threads as the farm has slots, in this process, timed from
/// reading the CSV until the last member has predicted its test rows. Both do the same training work, so the
/// difference is the farm's overhead: process starts, store transactions, claims and polling.
/// </summary>
internal static class FarmOverhead
{
    private static readonly TimeSpan CompletionPoll = TimeSpan.FromMilliseconds(50);

    public static async Task<int> RunAsync(string[] args)
    {
        var specPath = args.Length > 0 ? args[0] : Path.Combine("examples", "ensemble.yaml");
        var spec = SpecParser.ParseFile(specPath);
        var client = FarmTool.Find(FarmTool.Client);
        if (!File.Exists(spec.Dataset.Path))
        {
            var generated = await ChildProcess.RunAsync(client, ["data", "generate", "--out", spec.Dataset.Path], CancellationToken.None);
            if (generated.ExitCode != 0) throw new InvalidOperationException($"farm data generate failed: {generated.StandardError}");
        }
        var slotsPerSilo = FarmSizing.SlotsPerSilo(Environment.ProcessorCount, spec.Training.Threads);
        var totalSlots = slotsPerSilo.Sum();
        Console.WriteLine($"farm-overhead: {spec.Ensemble.Members} members of '{spec.Name}', {spec.Training.Epochs} epochs, " +
                          $"{spec.Training.Threads} thread(s) per training, {totalSlots} slot(s) ({slotsPerSilo.Count} silo(s)), {Environment.ProcessorCount} cores");

        var (farmSeconds, farmPredictions) = await RunThroughFarmAsync(specPath, slotsPerSilo, client);
        Console.WriteLine($"through the farm: {farmSeconds:0.00} s");
        var (directSeconds, directPredictions) = RunDirectly(spec, totalSlots);
        Console.WriteLine($"directly:         {directSeconds:0.00} s");

        var overhead = (farmSeconds - directSeconds) / directSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"overhead: {overhead:P1} of the direct wall time (target < 5 %)"));
        var identical = farmPredictions.Count == directPredictions.Length
                        && farmPredictions.All(p => p.TestPredictions.AsSpan().SequenceEqual(directPredictions[p.Index]));
        Console.WriteLine($"test predictions identical in both runs: {(identical ? "yes" : "NO")}");
        return identical ? 0 : 1;
    }

    private static async Task<(double Seconds, IReadOnlyList<TrialPredictions> Predictions)> RunThroughFarmAsync(
        string specPath, IReadOnlyList<int> slotsPerSilo, FarmTool client)
    {
        var folder = Directory.CreateTempSubdirectory("ensemblefarm-bench-").FullName;
        try
        {
            var storePath = Path.Combine(folder, "farm.db");
            var clock = Stopwatch.StartNew();
            await using var farm = LocalFarm.Start(FarmTool.Find(FarmTool.Silo), storePath, slotsPerSilo, (_, _) => { });
            var submitted = await ChildProcess.RunAsync(client, ["submit", specPath, "--store", storePath], CancellationToken.None);
            if (submitted.ExitCode != 0) throw new InvalidOperationException($"farm submit failed: {submitted.StandardError}");
            var campaignId = long.Parse(submitted.StandardOutput.Trim(), CultureInfo.InvariantCulture);
            await using var store = await FarmStoreFactory.OpenAsync(storePath);
            CampaignRecord campaign;
            while ((campaign = (await store.GetCampaignAsync(campaignId))!).State is CampaignState.Queued or CampaignState.Running)
                await Task.Delay(CompletionPoll);
            var seconds = clock.Elapsed.TotalSeconds;
            if (campaign.State != CampaignState.Completed)
                throw new InvalidOperationException($"the campaign ended {campaign.State}: {campaign.Error}");
            return (seconds, await store.GetPredictionsAsync(campaignId));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static (double Seconds, float[][] Predictions) RunDirectly(CampaignSpec spec, int workers)
    {
        var clock = Stopwatch.StartNew();
        var data = CsvDataset.Read(spec.Dataset.Path, spec.Dataset.CsvOptions);
        var plan = CampaignPlan.Create(spec, data);
        var test = data.Select(plan.TestSet.RowIndices);
        var predictions = new float[plan.Trials.Count][];
        Parallel.ForEach(plan.Trials, new ParallelOptions { MaxDegreeOfParallelism = workers }, trial =>
        {
            var (trainRows, validationRows) = MemberData.SplitRows(spec, data, plan.TestSet, trial.SplitSeed);
            var run = Trainer.Fit(spec.Model, data.Select(trainRows), data.Select(validationRows), spec.TrainingFor(trial.InitSeed));
            predictions[trial.Index] = run.Model.Predict(test);
        });
        return (clock.Elapsed.TotalSeconds, predictions);
    }
}
