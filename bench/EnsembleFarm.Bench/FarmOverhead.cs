using System.Diagnostics;
using System.Globalization;
using EnsembleFarm.AppHost;
using EnsembleFarm.Domain.Planning;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Store;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Training;

namespace EnsembleFarm.Bench;

/// <summary>
/// <c>farm-overhead [SPEC]</c>: what the farm costs on top of the training itself. The same campaign runs
/// twice in one invocation:
/// <list type="number">
/// <item>through the farm, as the AppHost runs it: silo processes on a fresh SQLite store (their start-up
/// is timed on its own: a farm starts once and then serves many campaigns), then <c>farm submit</c> in its
/// own process, every epoch and result written to the store, timed from the submit until the store says
/// the campaign completed;</item>
/// <item>directly: the same members' trainings (same splits, seeds and thread counts) back to back on as
/// many workers as the farm runs trials at once, in this process, timed from reading the CSV until the last
/// member has predicted its test rows.</item>
/// </list>
/// Both do the same training work (their test predictions are compared bit for bit), so the difference is
/// the farm's overhead: process starts, store transactions, claims and polling.
/// </summary>
internal static class FarmOverhead
{
    private static readonly TimeSpan CompletionPoll = TimeSpan.FromMilliseconds(20);

    /// <summary>Each way runs this many times, alternating, and the fastest run of each counts: on a shared machine the
    /// slowest runs measure the neighbours, the fastest the code.</summary>
    private const int Repetitions = 3;

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
        var slotsPerSilo = FarmSizing.SlotsPerSilo(Environment.ProcessorCount, spec.Resources.Slots);
        var trialsAtOnce = slotsPerSilo.Sum() / spec.Resources.Slots;
        Console.WriteLine($"farm-overhead: {spec.Ensemble.Members} members of '{spec.Name}', {spec.Training.Epochs} epochs, " +
                          $"{spec.Training.Threads} thread(s) per training, {trialsAtOnce} at once ({slotsPerSilo.Count} silo(s)), {Environment.ProcessorCount} cores, " +
                          $"best of {Repetitions}");

        var folder = Directory.CreateTempSubdirectory("ensemblefarm-bench-").FullName;
        try
        {
            await using var farm = await RunningFarm.StartAsync(Path.Combine(folder, "farm.db"), slotsPerSilo, trialsAtOnce);
            var farmRuns = new List<FarmRun>();
            var directRuns = new List<DirectRun>();
            for (var repetition = 1; repetition <= Repetitions; repetition++)
            {
                var viaFarm = await farm.RunCampaignAsync(specPath, client);
                var direct = RunDirectly(spec, trialsAtOnce);
                farmRuns.Add(viaFarm);
                directRuns.Add(direct);
                // (the build sets InvariantGlobalization: numbers print with a '.' everywhere)
                Console.WriteLine($"  run {repetition}: farm {viaFarm.Seconds:0.00} s (submit to first claim {viaFarm.FirstClaimSeconds:0.00} s, " +
                                  $"lanes idle {viaFarm.IdleLaneSeconds:0.00} s each, last result to seen complete " +
                                  $"{viaFarm.TailSeconds:0.00} s, mean trial {viaFarm.MeanTrialSeconds:0.000} s); direct {direct.Seconds:0.00} s " +
                                  $"(mean training {direct.MeanMemberSeconds:0.000} s)");
                if (!Identical(viaFarm.Predictions, direct.Predictions))
                {
                    Console.WriteLine("the farm's test predictions differ from the direct trainings': not the same work, no comparison");
                    return 1;
                }
            }
            Report(farm.StartupSeconds, farmRuns.Min(r => r.Seconds), directRuns.Min(r => r.Seconds));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Report(double startupSeconds, double farmSeconds, double directSeconds)
    {
        Console.WriteLine($"campaign through the running farm: {farmSeconds:0.00} s; the same trainings directly: {directSeconds:0.00} s; " +
                          "test predictions identical: yes");
        Console.WriteLine($"overhead: {(farmSeconds - directSeconds) / directSeconds:P1} of the direct wall time; " +
                          $"starting the silos took {startupSeconds:0.00} s more, once per farm " +
                          $"({(startupSeconds + farmSeconds - directSeconds) / directSeconds:P1} with it); target < 5 %");
    }

    private static bool Identical(IReadOnlyList<TrialPredictions> farm, float[][] direct) =>
        farm.Count == direct.Length && farm.All(p => p.TestPredictions.AsSpan().SequenceEqual(direct[p.Index]));

    private sealed record DirectRun(double Seconds, double MeanMemberSeconds, float[][] Predictions);

    /// <summary>One campaign through the farm, and where its time went besides training (from the trials' times in the store).</summary>
    private sealed record FarmRun(
        double Seconds, double FirstClaimSeconds, double IdleLaneSeconds, double TailSeconds, double MeanTrialSeconds,
        IReadOnlyList<TrialPredictions> Predictions);

    /// <summary>Silo processes on a store, started once and given one campaign after another, as a farm is used.</summary>
    private sealed class RunningFarm : IAsyncDisposable
    {
        private readonly LocalFarm _silos;
        private readonly IFarmStore _store;
        private readonly string _storePath;
        private readonly int _lanes;

        private RunningFarm(LocalFarm silos, IFarmStore store, string storePath, int lanes, double startupSeconds)
        {
            (_silos, _store, _storePath, _lanes) = (silos, store, storePath, lanes);
            StartupSeconds = startupSeconds;
        }

        /// <summary>From starting the silo processes until every one has said it is ready.</summary>
        public double StartupSeconds { get; }

        /// <param name="lanes">How many trials the silos run at once.</param>
        public static async Task<RunningFarm> StartAsync(string storePath, IReadOnlyList<int> slotsPerSilo, int lanes)
        {
            var ready = 0;
            var clock = Stopwatch.StartNew();
            var silos = LocalFarm.Start(FarmTool.Find(FarmTool.Silo), storePath, slotsPerSilo, (_, line) =>
            {
                if (line.EndsWith(" ready", StringComparison.Ordinal)) Interlocked.Increment(ref ready);
            });
            while (Volatile.Read(ref ready) < slotsPerSilo.Count) await Task.Delay(CompletionPoll);
            var startupSeconds = clock.Elapsed.TotalSeconds;
            return new RunningFarm(silos, await FarmStoreFactory.OpenAsync(storePath), storePath, lanes, startupSeconds);
        }

        /// <summary>Submits the spec with <c>farm submit</c> and waits until the store says the campaign completed.</summary>
        public async Task<FarmRun> RunCampaignAsync(string specPath, FarmTool client)
        {
            var submittedAt = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            var submitted = await ChildProcess.RunAsync(client, ["submit", specPath, "--store", _storePath], CancellationToken.None);
            if (submitted.ExitCode != 0) throw new InvalidOperationException($"farm submit failed: {submitted.StandardError}");
            var campaignId = long.Parse(submitted.StandardOutput.Trim(), CultureInfo.InvariantCulture);
            CampaignRecord campaign;
            while ((campaign = (await _store.GetCampaignAsync(campaignId))!).State is CampaignState.Queued or CampaignState.Running)
                await Task.Delay(CompletionPoll);
            var seconds = clock.Elapsed.TotalSeconds;
            var seenComplete = DateTimeOffset.UtcNow;
            if (campaign.State != CampaignState.Completed)
                throw new InvalidOperationException($"the campaign ended {campaign.State}: {campaign.Error}");

            var trials = await _store.GetTrialsAsync(campaignId);
            var firstClaim = trials.Min(t => t.StartedAt!.Value);
            var lastResult = trials.Max(t => t.FinishedAt!.Value);
            var trialSeconds = trials.Select(t => (t.FinishedAt!.Value - t.StartedAt!.Value).TotalSeconds).ToList();
            return new FarmRun(
                seconds,
                (firstClaim - submittedAt).TotalSeconds,
                // the time between first claim and last result that the lanes did not spend in a trial
                (lastResult - firstClaim).TotalSeconds - trialSeconds.Sum() / _lanes,
                (seenComplete - lastResult).TotalSeconds,
                trialSeconds.Average(),
                await _store.GetPredictionsAsync(campaignId));
        }

        public async ValueTask DisposeAsync()
        {
            await _store.DisposeAsync();
            await _silos.DisposeAsync();
        }
    }

    private static DirectRun RunDirectly(CampaignSpec spec, int workers)
    {
        var clock = Stopwatch.StartNew();
        var data = CsvDataset.Read(spec.Dataset.Path, spec.Dataset.CsvOptions);
        var plan = CampaignPlan.Create(spec, data);
        var test = data.Select(plan.TestSet.RowIndices);
        var predictions = new float[plan.Trials.Count][];
        var memberSeconds = new double[plan.Trials.Count];
        Parallel.ForEach(plan.Trials, new ParallelOptions { MaxDegreeOfParallelism = workers }, trial =>
        {
            var member = Stopwatch.StartNew();
            var (trainRows, validationRows) = MemberData.SplitRows(spec, data, plan.TestSet, trial.SplitSeed);
            var run = Trainer.Fit(spec.Model, data.Select(trainRows), data.Select(validationRows), spec.TrainingFor(trial.InitSeed));
            predictions[trial.Index] = run.Model.Predict(test);
            memberSeconds[trial.Index] = member.Elapsed.TotalSeconds;
        });
        return new DirectRun(clock.Elapsed.TotalSeconds, memberSeconds.Average(), predictions);
    }
}
