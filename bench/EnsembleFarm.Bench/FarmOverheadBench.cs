using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using EnsembleFarm.Client.Connection;
using EnsembleFarm.Domain.Planning;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Data.Synthetic;
using EnsembleFarm.Models.Metrics;
using EnsembleFarm.Models.Training;
using EnsembleFarm.Store;
using EnsembleFarm.TestKit;
using static EnsembleFarm.Bench.FarmBenchKit;

namespace EnsembleFarm.Bench;

/// <summary>
/// <c>farm-overhead</c>: what the farm adds to a real job, the 60-member example, against the same trainings in one process.
/// </summary>
/// <remarks>
/// <para>
/// Farm side: one <c>farm-silo</c> process on a SQLite store in a temporary folder, with the machine's cores as slots,
/// started once and warmed by a campaign of as many members as slots (the trainer compiled, the data set cached, as in
/// a farm that has served a campaign on this data before). Each run submits the spec through the client (the gateway)
/// and follows it with the client's watch (pushed updates, as <c>farm submit --wait</c>), timed from the submit call to
/// the campaign's completion as the store records it (the watch itself may show it late, see docs/benchmarks.md; when
/// it did is printed apart). The silo reads, hashes and plans the CSV at submit, as it always does.
/// </para>
/// <para>
/// Direct side, in this process: the CSV read, <see cref="CampaignPlan.Create"/>, then per member
/// <see cref="MemberData.For"/>, <see cref="Trainer.Fit"/> with the member's initialisation seed and the spec's threads,
/// and <c>Predict</c> on the test part, on as many workers as the farm has slots, each taking the next member in index
/// order (as the farm's slots take the next queued trial). Warmed by training as many members first. Timed from the CSV
/// read to the last member's test predictions.
/// </para>
/// <para>
/// The sides alternate (farm first in odd repetitions); each side's best run counts. Every farm run's stored test
/// predictions must equal the direct ones bit for bit: the same members were trained, each exactly once. Then the farm's
/// time is broken down per trial from the store's timestamps (claim, epochs stored, completion), and the silo's own
/// per-trial steps that the direct side does not have are timed in this process.
/// </para>
/// </remarks>
internal static class FarmOverheadBench
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(240);

    private sealed record MemberTiming(double Start, double SetUp, double Fit, double Predict, int Epochs)
    {
        public double Total => SetUp + Fit + Predict;
    }

    private sealed record DirectRun(double Seconds, double ReadAndPlanSeconds, float[][] Predictions, MemberTiming[] Members, TrainingRun Sample);

    private sealed record TrialTiming(int Index, DateTimeOffset Claim, DateTimeOffset Finish, DateTimeOffset FirstEpoch, DateTimeOffset LastEpoch, int Epochs)
    {
        public double SpanMs => (Finish - Claim).TotalMilliseconds;
        public double ClaimToFirstEpochMs => (FirstEpoch - Claim).TotalMilliseconds;
        public double LastEpochToFinishMs => (Finish - LastEpoch).TotalMilliseconds;
        public double EpochMs => Epochs > 1 ? (LastEpoch - FirstEpoch).TotalMilliseconds / (Epochs - 1) : double.NaN;
    }

    /// <param name="Seconds">Submit to the campaign's completion as the store records it.</param>
    /// <param name="EndSeenAt">When the client's watch showed the campaign completed.</param>
    private sealed record FarmRun(double Seconds, DateTimeOffset SubmittedAt, DateTimeOffset EndSeenAt, CampaignRecord Campaign, IReadOnlyList<TrialTiming> Trials,
        IReadOnlyList<TrialPredictions> Predictions);

    public static async Task RunAsync(string specPath, int repeats, TextWriter output, CancellationToken ct)
    {
        specPath = Path.GetFullPath(specPath);
        var yaml = await File.ReadAllTextAsync(specPath, ct);
        var specFolder = Path.GetDirectoryName(specPath)!;
        var spec = SpecParser.Parse(yaml, specFolder, specPath);
        // The direct side trains the members of the spec's own settings; a search's trials are proposed as they run.
        var ensemble = spec.Ensemble is { FromSearch: null } plain
            ? plain
            : throw new ArgumentException($"farm-overhead takes an ensemble spec of its own settings; {specPath} is {(spec.Ensemble is null ? $"a {spec.KindName}" : "an ensemble of a search's configurations")}.");
        if (!File.Exists(spec.Dataset.Path))
        {
            // What `farm data generate --out PATH` writes (its defaults: 66,000 events, seed 1, binary).
            Directory.CreateDirectory(Path.GetDirectoryName(spec.Dataset.Path)!);
            await using (var writer = new StreamWriter(spec.Dataset.Path)) ColliderSample.Write(writer, 66_000, 1, TaskKind.Binary);
            output.WriteLine($"wrote the collider sample (66,000 events, seed 1) to {spec.Dataset.Path}");
        }
        var slots = Environment.ProcessorCount;
        output.WriteLine($"farm-overhead: {specPath} ({ensemble.Members} members, {spec.Training.Threads} thread each), {slots} slots, " +
                         $"{repeats} repetitions each way; {Now()}; load {Load()}");

        using var folder = new TempFolder("farm-overhead-");
        var storePath = Path.Combine(folder.Path, "farm.db");
        var started = Stopwatch.StartNew();
        await using var silo = SiloProcess.Start("silo", storePath, ["--slots", $"{slots}"]);
        await silo.WaitUntilReadyAsync(Patience, ct);
        output.WriteLine($"silo ready in {started.Elapsed.TotalSeconds:F1} s (SQLite store {storePath})");
        await using var connection = await ConnectGatewayAsync(silo.GatewayPort, ct);
        await using var store = await FarmStoreFactory.OpenAsync(storePath, ct: ct);

        var warmYaml = Regex.Replace(yaml, @"(?m)^(\s+members:\s*)\d+", m => $"{m.Groups[1].Value}{slots}");
        var warmClock = Stopwatch.StartNew();
        if (warmYaml != yaml) await FarmOnceAsync(connection, store, warmYaml, specFolder, specPath, ct);
        var farmWarm = warmClock.Elapsed;
        warmClock.Restart();
        var sample = Direct(spec, slots, limit: slots).Sample;
        output.WriteLine($"warm-up: {slots} members through the farm {farmWarm.TotalSeconds:F1} s{(warmYaml == yaml ? " (skipped: no ensemble.members line to shrink)" : "")}, " +
                         $"directly {warmClock.Elapsed.TotalSeconds:F1} s");

        var farmRuns = new List<FarmRun>();
        var directRuns = new List<DirectRun>();
        float[][]? expected = null;
        for (var repeat = 1; repeat <= repeats; repeat++)
        {
            for (var side = 0; side < 2; side++)
            {
                if ((side == 0) == (repeat % 2 == 1))
                {
                    var run = await FarmOnceAsync(connection, store, yaml, specFolder, specPath, ct);
                    farmRuns.Add(run);
                    output.WriteLine($"farm   run {repeat}: {F(run.Seconds, "F2")} s; mean trial {F(run.Trials.Average(t => t.SpanMs) / 1000, "F3")} s; load {Load()}");
                }
                else
                {
                    var run = Direct(spec, slots, limit: null);
                    directRuns.Add(run);
                    expected ??= run.Predictions;
                    output.WriteLine($"direct run {repeat}: {F(run.Seconds, "F2")} s; mean member {F(run.Members.Average(m => m.Total), "F3")} s; load {Load()}");
                }
                await output.FlushAsync(ct);
            }
        }

        // The same members, trained once each: the farm's stored predictions are the direct ones, bit for bit.
        foreach (var (run, i) in farmRuns.Select((r, i) => (r, i)))
        {
            var mismatched = run.Predictions.Count(p => !MemoryMarshal.Cast<float, int>(p.TestPredictions).SequenceEqual(MemoryMarshal.Cast<float, int>(expected![p.Index])));
            if (run.Predictions.Count != expected!.Length || mismatched > 0)
                throw new InvalidOperationException($"farm run {i + 1}: {run.Predictions.Count} members stored, {mismatched} with other predictions than the direct run's");
        }
        output.WriteLine($"every farm run's stored test predictions equal the direct run's bit for bit ({expected!.Length} members × {expected[0].Length} rows)");

        var bestFarm = farmRuns.MinBy(r => r.Seconds)!;
        var bestDirect = directRuns.MinBy(r => r.Seconds)!;
        var overhead = (bestFarm.Seconds / bestDirect.Seconds) - 1;
        var pairs = farmRuns.Zip(directRuns, (f, d) => (f.Seconds / d.Seconds) - 1).ToList();
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT farm best {bestFarm.Seconds:F2} s [runs {string.Join(", ", farmRuns.Select(r => r.Seconds.ToString("F2", CultureInfo.InvariantCulture)))}], " +
            $"direct best {bestDirect.Seconds:F2} s [runs {string.Join(", ", directRuns.Select(r => r.Seconds.ToString("F2", CultureInfo.InvariantCulture)))}]: " +
            $"overhead {overhead * 100:+0.0;-0.0} % (best vs best); run by run {string.Join(", ", pairs.Select(p => (p * 100).ToString("+0.0;-0.0", CultureInfo.InvariantCulture)))} %; load {Load()}"));

        Breakdown(output, farmRuns, directRuns, bestFarm, bestDirect, slots);
        SiloSteps(output, spec, sample, slots);
    }

    private static async Task<FarmRun> FarmOnceAsync(IFarmConnection connection, IFarmStore store, string yaml, string specFolder, string specPath, CancellationToken ct)
    {
        var submittedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var result = await connection.SubmitAsync(new SubmitRequest(yaml, specFolder, specPath, Resume: false), ct);
        if (result.Outcome != SubmitOutcome.Created) throw new InvalidOperationException($"submit: {result.Outcome}: {string.Join("; ", result.Problems)}");
        var id = result.Campaign!.Id;
        CampaignUpdate? last = null;
        await foreach (var update in connection.WatchAsync(id, _ => { }, ct))
        {
            last = update;
            if (update.Campaign.HasEnded) break;
        }
        var endSeenAt = DateTimeOffset.UtcNow;
        if (last?.Campaign.State != CampaignState.Completed) throw new InvalidOperationException($"campaign {id} ended {last?.Campaign.State}: {last?.Campaign.Error}");
        // Timed to the completion the store recorded, not to when the watch showed it: the watch can lag by up to 30 s on
        // campaigns longer than its subscription (2 min), see docs/benchmarks.md.
        var campaign = await store.GetCampaignAsync(id, ct) ?? throw new InvalidOperationException($"campaign {id} vanished");
        var seconds = (campaign.FinishedAt!.Value - submittedAt).TotalSeconds;

        var timings = new List<TrialTiming>();
        foreach (var trial in await store.GetTrialsAsync(id, ct))
        {
            if (trial is not { State: TrialState.Completed, Attempt: 1, StartedAt: { } claim, FinishedAt: { } finish })
                throw new InvalidOperationException($"campaign {id} #{trial.Index}: {trial.State} at attempt {trial.Attempt}");
            var epochs = await store.GetEpochMetricsAsync(trial.Id, ct);
            timings.Add(new TrialTiming(trial.Index, claim, finish, epochs[0].RecordedAt, epochs[^1].RecordedAt, epochs.Count));
        }
        return new FarmRun(seconds, submittedAt, endSeenAt, campaign, timings, await store.GetPredictionsAsync(id, ct));
    }

    /// <summary>The members trained in this process, <paramref name="slots"/> at once, each worker taking the next member.</summary>
    private static DirectRun Direct(CampaignSpec spec, int slots, int? limit)
    {
        var clock = Stopwatch.StartNew();
        var data = CsvDataset.Read(spec.Dataset.Path, spec.Dataset.CsvOptions);
        var plan = CampaignPlan.Create(spec, data);
        var readAndPlan = clock.Elapsed.TotalSeconds;
        var count = limit ?? plan.Trials.Count;
        var predictions = new float[count][];
        var members = new MemberTiming[count];
        TrainingRun? sample = null;
        Parallel.ForEach(Partitioner.Create(Enumerable.Range(0, count), EnumerablePartitionerOptions.NoBuffering),
            new ParallelOptions { MaxDegreeOfParallelism = slots }, i =>
            {
                var t0 = clock.Elapsed.TotalSeconds;
                var trial = plan.Trials[i];
                var record = new TrialRecord(i, 0, trial.Index, TrialState.Running, 1, trial.ParamsJson, trial.SplitSeed, trial.InitSeed, trial.Slots,
                    null, null, null, null, null);
                var member = MemberData.For(spec, data, plan.TestSet, record);
                var t1 = clock.Elapsed.TotalSeconds;
                var run = Trainer.Fit(spec.Model, member.Train, member.Validation, spec.TrainingFor(trial.InitSeed));
                var t2 = clock.Elapsed.TotalSeconds;
                predictions[trial.Index] = run.Model.Predict(member.Test);
                var t3 = clock.Elapsed.TotalSeconds;
                members[trial.Index] = new MemberTiming(t0, t1 - t0, t2 - t1, t3 - t2, run.Result.EpochsRun);
                if (trial.Index == 0) sample = run;
            });
        return new DirectRun(clock.Elapsed.TotalSeconds, readAndPlan, predictions, members, sample!);
    }

    /// <summary>Where the farm's time went, per campaign and per trial, from the store's timestamps, beside the direct runs.</summary>
    private static void Breakdown(TextWriter output, List<FarmRun> farmRuns, List<DirectRun> directRuns, FarmRun bestFarm, DirectRun bestDirect, int slots)
    {
        output.WriteLine();
        output.WriteLine("Where the time goes (store timestamps: the silo's clock, ms; ranges over the runs, the best run's value first):");
        output.WriteLine("| step | farm | direct |");
        output.WriteLine("|---|---:|---:|");
        string Both(Func<FarmRun, double> farm, string format = "F0") =>
            $"{F(farm(bestFarm), format)} [{F(farmRuns.Min(farm), format)}–{F(farmRuns.Max(farm), format)}]";
        string Direct(Func<DirectRun, double> direct, string format = "F0") =>
            $"{F(direct(bestDirect), format)} [{F(directRuns.Min(direct), format)}–{F(directRuns.Max(direct), format)}]";

        output.WriteLine($"| whole run, s | {Both(r => r.Seconds, "F2")} | {Direct(r => r.Seconds, "F2")} |");
        output.WriteLine($"| submit → campaign created (farm: the call, reading, hashing and planning the CSV, its transaction) / CSV read and planned (direct), ms | " +
                         $"{Both(r => (r.Campaign.CreatedAt - r.SubmittedAt).TotalMilliseconds)} | {Direct(r => r.ReadAndPlanSeconds * 1000)} |");
        output.WriteLine($"| created → first claim, ms | {Both(r => (r.Trials.Min(t => t.Claim) - r.Campaign.CreatedAt).TotalMilliseconds)} | |");
        output.WriteLine($"| mean trial: claim → result stored (farm) / split → test predictions (direct), ms | {Both(r => r.Trials.Average(t => t.SpanMs))} | " +
                         $"{Direct(r => r.Members.Average(m => m.Total) * 1000)} |");
        output.WriteLine($"| mean epoch (farm: between first and last stored epoch; direct: fit / epochs), ms | {Both(r => r.Trials.Average(t => t.EpochMs), "F1")} | " +
                         $"{Direct(r => r.Members.Average(m => m.Fit * 1000 / m.Epochs), "F1")} |");
        output.WriteLine($"| mean epochs per member | {Both(r => r.Trials.Average(t => t.Epochs), "F2")} | {Direct(r => r.Members.Average(m => m.Epochs), "F2")} |");
        output.WriteLine($"| claim → first epoch stored, less one epoch (farm) / the member's split (direct), ms | " +
                         $"{Both(r => r.Trials.Average(t => t.ClaimToFirstEpochMs - t.EpochMs))} | {Direct(r => r.Members.Average(m => m.SetUp) * 1000)} |");
        output.WriteLine($"| last epoch stored → result stored (farm) / test predictions (direct), ms | {Both(r => r.Trials.Average(t => t.LastEpochToFinishMs))} | " +
                         $"{Direct(r => r.Members.Average(m => m.Predict) * 1000)} |");
        output.WriteLine($"| a slot's result stored → its next claim (mean), ms | {Both(r => Gaps(r, slots).Average(), "F1")} | |");
        output.WriteLine($"| last result stored → the client's watch shows the campaign completed (not in the farm's time), ms | " +
                         $"{Both(r => (r.EndSeenAt - r.Trials.Max(t => t.Finish)).TotalMilliseconds)} | |");

        // The farm's own cost per trial, from each farm run's timestamps beside the direct run made next to it: less
        // exposed to the machine's load than the runs' totals, since numerator and denominator come from the same run.
        var estimates = farmRuns.Zip(directRuns, (farm, direct) =>
        {
            var setUp = farm.Trials.Average(t => t.ClaimToFirstEpochMs - t.EpochMs) - (direct.Members.Average(m => m.SetUp) * 1000);
            var tail = farm.Trials.Average(t => t.LastEpochToFinishMs) - (direct.Members.Average(m => m.Predict) * 1000);
            var gaps = Gaps(farm, slots).Sum() / farm.Trials.Count;
            var perTrial = setUp + tail + gaps;
            var campaign = (farm.Trials.Min(t => t.Claim) - farm.SubmittedAt).TotalMilliseconds - (direct.ReadAndPlanSeconds * 1000);
            var share = (perTrial / farm.Trials.Average(t => t.SpanMs)) + (campaign / (farm.Seconds * 1000));
            return (setUp, tail, gaps, perTrial, campaign, share);
        }).ToList();
        output.WriteLine();
        output.WriteLine("The farm's own cost, run by run (each farm run beside the direct run of its repetition): per trial, set-up beyond the direct split " +
                         "+ end beyond the direct prediction + the slot's wait for its next claim = ms per trial; per campaign, submit to first claim beyond the direct " +
                         "read and plan; the estimated overhead = per trial / the mean trial + per campaign / the run:");
        foreach (var (e, i) in estimates.Select((e, i) => (e, i)))
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  repetition {i + 1}: {e.setUp:F1} + {e.tail:F1} + {e.gaps:F1} = {e.perTrial:F1} ms per trial; {e.campaign:F0} ms per campaign; estimated overhead {e.share * 100:F1} %"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  median: {Median(estimates.Select(e => e.perTrial)):F1} ms per trial, estimated overhead {Median(estimates.Select(e => e.share)) * 100:F1} %"));

        var perTrial = bestFarm.Trials.Average(t => t.SpanMs) - (bestDirect.Members.Average(m => m.Total) * 1000);
        var members = bestFarm.Trials.Count;
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Best runs, farm − direct = {(bestFarm.Seconds - bestDirect.Seconds) * 1000:F0} ms: per trial {perTrial:F1} ms longer × {members} / {slots} slots = " +
            $"{perTrial * members / slots:F0} ms; gaps {Gaps(bestFarm, slots).Average():F1} ms × {members - slots} / {slots} = {Gaps(bestFarm, slots).Sum() / slots:F0} ms; " +
            $"submit to first claim {(bestFarm.Trials.Min(t => t.Claim) - bestFarm.SubmittedAt).TotalMilliseconds:F0} ms vs direct read and plan {bestDirect.ReadAndPlanSeconds * 1000:F0} ms; " +
            $"last result to the client {(bestFarm.EndSeenAt - bestFarm.Trials.Max(t => t.Finish)).TotalMilliseconds:F0} ms; the rest is the order in which " +
            $"members of unequal length fell on the slots (the last slot's tail)."));
    }

    /// <summary>
    /// For each claim after the first <paramref name="slots"/>, the wait since the result that freed its slot: in a pull
    /// farm each stored result frees one slot, which claims next, so the k-th claim follows the (k − slots)-th result.
    /// </summary>
    private static List<double> Gaps(FarmRun run, int slots)
    {
        var claims = run.Trials.Select(t => t.Claim).Order().ToList();
        var finishes = run.Trials.Select(t => t.Finish).Order().ToList();
        return [.. claims.Skip(slots).Select((claim, k) => (claim - finishes[k]).TotalMilliseconds)];
    }

    /// <summary>
    /// The silo's steps for a trial that the direct side does not take, timed here on the same data and a trained
    /// member: the data set's SHA-256 check (DatasetCache, every trial), the test metrics and the model's serialisation.
    /// </summary>
    private static void SiloSteps(TextWriter output, CampaignSpec spec, TrainingRun sample, int slots)
    {
        var data = CsvDataset.Read(spec.Dataset.Path, spec.Dataset.CsvOptions);
        var plan = CampaignPlan.Create(spec, data);
        var test = data.Select(plan.TestSet.RowIndices);
        var predictions = sample.Model.Predict(test);
        double Time(Action step)
        {
            step();
            var best = double.MaxValue;
            for (var i = 0; i < 5; i++)
            {
                var clock = Stopwatch.StartNew();
                step();
                best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
            }
            return best;
        }
        var hash = Time(() => DatasetFingerprint.Sha256(spec.Dataset.Path));
        var metrics = Time(() => TaskMetrics.Evaluate(test.Task, predictions, test.Targets, test.ClassCount));
        var serialise = Time(() => sample.Model.Serialize());
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Silo steps per trial that the direct side does not take (best of 5, this process, one thread): SHA-256 check of the " +
            $"{new FileInfo(spec.Dataset.Path).Length / 1e6:F1} MB CSV {hash:F1} ms, test metrics {metrics:F2} ms, model serialisation {serialise:F2} ms; " +
            $"together {hash + metrics + serialise:F1} ms a trial, {(hash + metrics + serialise) * plan.Trials.Count / slots / 1000:F2} s of a run on {slots} slots."));
    }
}
