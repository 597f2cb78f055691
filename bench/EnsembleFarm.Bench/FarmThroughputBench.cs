using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EnsembleFarm.Domain.Planning;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;
using EnsembleFarm.TestKit;
using static EnsembleFarm.Bench.FarmBenchKit;

namespace EnsembleFarm.Bench;

/// <summary>
/// <c>farm-throughput</c>: how many trials per second the farm itself handles, and how long a free slot waits for its
/// next trial, for clusters of 1, 2, 4 and 8 silos, beside Optuna with as many worker processes on the same PostgreSQL.
/// With <c>--sampler random|tpe</c> both sides run a search with that sampler instead (the search throughput of issue 7).
/// </summary>
/// <remarks>
/// <para>
/// One PostgreSQL server (the test kit's: Debian's binaries, fsync off) serves every run of the invocation. A farm run:
/// a fresh database, that many <c>farm-silo --trainer none --slots 1</c> processes forming one cluster on it (store and
/// membership in that database), a client that finds them through the membership table, and one campaign of N members
/// on a 400-row data set submitted through it. The no-op trainer completes each trial at once (predictions of 0.5 for
/// the 80 test rows), so what is timed is the farm's own work per trial: the dispatcher and campaign grains, the claim,
/// the test set read, the completion and its transaction. Trials per second = N / (last trial's finish − submit).
/// With a sampler, the campaign is a search of N trials over one float instead (<see cref="SearchYaml"/>): the campaign
/// grain asks the sampler for each trial as a silo claims it, and the no-op trainer reports the parameter's square as
/// the objective, so TPE learns from every completed trial as it would from a real one.
/// </para>
/// <para>
/// The silos export their logs and metrics to the bench (<see cref="OtlpReceiver"/>; spans off), which gives dispatch
/// latency three ways. (1) From the silos' log lines, microseconds: with one slot per silo a silo's trials run one after
/// another, so each trial waited from the line saying its predecessor's result was stored (the slot is freed right
/// after) to the line saying its own training starts; the first trial on a silo from the submit call. (2) The silos' own
/// histogram <c>ensemblefarm.dispatch.latency</c>: from the runner's wake-up (after it told the campaign of the trial that
/// ended) to the training's start. (3) From the store's timestamps (milliseconds): predecessor's completion transaction
/// to the claim transaction. Then diagnostic runs: spans of every grain call, and the farm without any exporter.
/// </para>
/// <para>
/// An Optuna run: a fresh database on the same server, bench/optuna_throughput.py with W = the silo count worker
/// processes, N trials together, with the same sampler (random for the ensemble) and the same objective. Farm and
/// Optuna alternate which goes first at each repetition. Each side's best objective value is printed, so that a side
/// whose sampler did not learn shows.
/// </para>
/// </remarks>
internal static class FarmThroughputBench
{
    private const int DataRows = 400;
    private static readonly TimeSpan CampaignPatience = TimeSpan.FromMinutes(20);

    /// <summary>Long enough for a last metrics export (every second) and log export (every 200 ms) after the campaign ended.</summary>
    private static readonly TimeSpan ExportGrace = TimeSpan.FromSeconds(2.5);

    private enum Telemetry { None, LogsAndMetrics, Traces }

    private sealed record FarmRun(int Silos, int Repeat, Telemetry Telemetry, int Trials, double Seconds, double TrialsPerSecond, double SteadyTrialsPerSecond,
        IReadOnlyList<double> StoreLatencies, IReadOnlyList<double> LogLatencies, IReadOnlyList<double> LogFirst, IReadOnlyList<double> TrialSide,
        IReadOnlyList<OtlpHistogram> Histograms, IReadOnlyList<OtlpSpan> Spans, double SubmitSeconds, string PerSilo, double ReadySeconds, long Connections,
        IReadOnlyList<(string Query, long Calls, double Milliseconds)> Statements, double? Best)
    {
        public double StatementsPerTrial => Statements.Sum(s => s.Calls) / (double)Trials;

        public double ServerMsPerTrial => Statements.Sum(s => s.Milliseconds) / Trials;
    }

    private sealed record OptunaRun(int Workers, int Repeat, int Trials, double Seconds, double TrialsPerSecond, double SpanTrialsPerSecond, string Version,
        IReadOnlyList<(string Query, long Calls, double Milliseconds)> Statements, double? Best)
    {
        public double StatementsPerTrial => Statements.Sum(s => s.Calls) / (double)Trials;

        public double ServerMsPerTrial => Statements.Sum(s => s.Milliseconds) / Trials;
    }

    /// <param name="sampler">random or tpe: both sides run a search with it; null: the farm runs an ensemble, Optuna random search.</param>
    public static async Task RunAsync(int[] siloCounts, int trials, int repeats, string? sampler, TextWriter output, CancellationToken ct)
    {
        output.WriteLine($"farm-throughput: silos {string.Join(',', siloCounts)}, {trials} trials, {repeats} repetitions, " +
                         $"{(sampler is null ? "farm: ensemble members, Optuna: random sampler" : $"both: a search with sampler {sampler}")}; {Now()}; " +
                         $"{Environment.ProcessorCount} cores; load {Load()}");
        await using var server = await PostgresServer.StartNewAsync(ct);
        await PrepareServerAsync(server, 400, ct);
        await using var receiver = OtlpReceiver.Start();
        output.WriteLine($"PostgreSQL on 127.0.0.1:{server.Port} (fsync, synchronous_commit and full_page_writes off; max_connections 400; pg_stat_statements); " +
                         $"OTLP receiver on 127.0.0.1:{receiver.Port}");
        using var folder = new TempFolder("farm-throughput-");
        SmallCampaign.WriteDataset(folder.Path, DataRows);
        var ensembleYaml = SmallCampaign.SpecYaml(trials, name: "throughput");
        var yaml = sampler is null ? ensembleYaml : SearchYaml(trials, sampler);
        var script = Path.Combine(RepositoryRoot, "bench", "optuna_throughput.py");

        // The store's share of a trial is the same for an ensemble's and a search's, so its loop runs the ensemble.
        await StoreLoopAsync(server, folder.Path, ensembleYaml, trials, output, ct);

        var farmRuns = new List<FarmRun>();
        var optunaRuns = new List<OptunaRun>();
        for (var repeat = 1; repeat <= repeats; repeat++)
        {
            foreach (var silos in siloCounts)
            {
                // Alternate who goes first, so that neither side always runs right after the other's processes exit.
                var farmFirst = repeat % 2 == 1;
                for (var side = 0; side < 2; side++)
                {
                    if ((side == 0) == farmFirst)
                    {
                        var run = await FarmAsync(server, receiver, folder.Path, yaml, silos, trials, repeat, Telemetry.LogsAndMetrics, ct);
                        farmRuns.Add(run);
                        output.WriteLine(Describe(run));
                    }
                    else
                    {
                        var run = await OptunaAsync(server, script, silos, trials, repeat, sampler ?? "random", ct);
                        optunaRuns.Add(run);
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"optuna workers={silos} repeat={repeat}: {trials} trials in {run.Seconds:F2} s = {run.TrialsPerSecond:F1} trials/s " +
                            $"(first start → last completion by Optuna's timestamps: {run.SpanTrialsPerSecond:F1}); {run.StatementsPerTrial:F1} SQL statements " +
                            $"and {run.ServerMsPerTrial:F2} ms of server execution per trial; best value {run.Best:G4}; load {Load()}"));
                    }
                    await output.FlushAsync(ct);
                }
            }
        }

        output.WriteLine();
        output.WriteLine($"Summary ({repeats} repetitions each; median [min–max] over the repetitions; Optuna {optunaRuns.FirstOrDefault()?.Version}); load {Load()}");
        output.WriteLine();
        output.WriteLine("| silos = workers | farm trials/s | Optuna trials/s | farm / Optuna | dispatch p50 ms (log lines) | p90 | p99 | " +
                         "silo histogram p50 ms | p99 | store p50 ms | p99 | SQL statements per trial, farm / Optuna |");
        output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var silos in siloCounts)
        {
            var farm = farmRuns.Where(r => r.Silos == silos).ToList();
            var optuna = optunaRuns.Where(r => r.Workers == silos).ToList();
            var ratios = farm.Join(optuna, f => f.Repeat, o => o.Repeat, (f, o) => f.TrialsPerSecond / o.TrialsPerSecond);
            output.WriteLine($"| {silos} | {Spread(farm.Select(r => r.TrialsPerSecond), "F1")} | {Spread(optuna.Select(r => r.TrialsPerSecond), "F1")} | " +
                             $"{Spread(ratios, "F2")} | {Spread(farm.Select(r => Q(r.LogLatencies, 0.5)), "F1")} | {Spread(farm.Select(r => Q(r.LogLatencies, 0.9)), "F1")} | " +
                             $"{Spread(farm.Select(r => Q(r.LogLatencies, 0.99)), "F1")} | {Spread(farm.Select(r => OtlpHistogram.Quantile(r.Histograms, 0.5)), "F1")} | " +
                             $"{Spread(farm.Select(r => OtlpHistogram.Quantile(r.Histograms, 0.99)), "F1")} | {Spread(farm.Select(r => Q(r.StoreLatencies, 0.5)), "F0")} | " +
                             $"{Spread(farm.Select(r => Q(r.StoreLatencies, 0.99)), "F0")} | {F(Median(farm.Select(r => r.StatementsPerTrial)))} / " +
                             $"{F(Median(optuna.Select(r => r.StatementsPerTrial)))} |");
        }
        if (sampler is not null)
        {
            output.WriteLine();
            output.WriteLine($"Best objective value (x² for x in [1e-4, 1]; the optimum is 1e-8), median [min–max] over the repetitions, farm / Optuna: " +
                             string.Join("; ", siloCounts.Select(silos =>
                                 $"{silos} silos {Spread(farmRuns.Where(r => r.Silos == silos && r.Best is not null).Select(r => r.Best!.Value), "G3")} / " +
                                 $"{Spread(optunaRuns.Where(r => r.Workers == silos && r.Best is not null).Select(r => r.Best!.Value), "G3")}")));
        }
        output.WriteLine();
        output.WriteLine("All runs of a silo count pooled (ms): dispatch latency from the log lines (the first trial on a silo from submit apart), " +
                         "the silo's histogram, and each trial's own side (training started → result stored):");
        foreach (var silos in siloCounts)
        {
            var farm = farmRuns.Where(r => r.Silos == silos).ToList();
            var pooled = farm.SelectMany(r => r.LogLatencies).Order().ToList();
            var first = farm.SelectMany(r => r.LogFirst).Order().ToList();
            var side = farm.SelectMany(r => r.TrialSide).Order().ToList();
            var histograms = farm.SelectMany(r => r.Histograms).ToList();
            output.WriteLine($"  {silos} silos: log lines n={pooled.Count} mean {F(pooled.DefaultIfEmpty().Average(), "F2")} p50 {F(Quantile(pooled, 0.5), "F2")} p90 {F(Quantile(pooled, 0.9), "F2")} " +
                             $"p99 {F(Quantile(pooled, 0.99), "F2")} max {F(pooled.LastOrDefault(), "F1")}, under 5 ms {F(100.0 * pooled.Count(l => l < 5) / Math.Max(1, pooled.Count), "F0")} %; " +
                             $"first trial on a silo p50 {F(Quantile(first, 0.5), "F0")}; histogram n={histograms.Sum(h => h.Count)} mean {F(histograms.Sum(h => h.Sum) / Math.Max(1, histograms.Sum(h => h.Count)), "F2")} " +
                             $"p50 {F(OtlpHistogram.Quantile(histograms, 0.5), "F2")} p99 {F(OtlpHistogram.Quantile(histograms, 0.99), "F1")}; " +
                             $"trial side mean {F(side.DefaultIfEmpty().Average(), "F2")} p50 {F(Quantile(side, 0.5), "F2")} p90 {F(Quantile(side, 0.9), "F2")}");
        }

        // Diagnostics: where a trial's time goes (every grain call's span), and what the telemetry itself costs.
        output.WriteLine();
        output.WriteLine("Diagnostic runs (not in the table above):");
        foreach (var silos in new[] { siloCounts.Min(), siloCounts.Max() }.Distinct())
        {
            var plain = await FarmAsync(server, receiver, folder.Path, yaml, silos, trials, repeats + 1, Telemetry.None, ct);
            output.WriteLine(Describe(plain));
            var traced = await FarmAsync(server, receiver, folder.Path, yaml, silos, trials, repeats + 2, Telemetry.Traces, ct);
            output.WriteLine(Describe(traced));
            PrintSpans(output, traced);
            PrintStatements(output, $"the run without telemetry ({silos} silos)", plain.Statements, plain.Trials);
            await output.FlushAsync(ct);
        }
        output.WriteLine($"OTLP receiver: {receiver.Requests} requests, {receiver.Failures} undecodable{(receiver.FirstFailure is { } why ? $" (first: {why})" : "")}; load {Load()}");
    }

    private static double Q(IReadOnlyList<double> values, double p) => Quantile([.. values.Order()], p);

    private static string Describe(FarmRun run)
    {
        var c = CultureInfo.InvariantCulture;
        var text = string.Create(c,
            $"farm   silos={run.Silos} repeat={run.Repeat} telemetry={run.Telemetry}: {run.Trials} trials in {run.Seconds:F2} s from submit = {run.TrialsPerSecond:F1} trials/s " +
            $"(first claim → last finish: {run.SteadyTrialsPerSecond:F1}); submit call {run.SubmitSeconds * 1000:F0} ms; dispatch ms ");
        if (run.LogLatencies.Count > 0)
            text += string.Create(c,
                $"(log lines, n={run.LogLatencies.Count}) p50 {Q(run.LogLatencies, 0.5):F2} p90 {Q(run.LogLatencies, 0.9):F2} p99 {Q(run.LogLatencies, 0.99):F2} " +
                $"max {run.LogLatencies.Max():F1}; first trial on a silo {Median(run.LogFirst):F0} after submit; trial side p50 {Q(run.TrialSide, 0.5):F2}; ");
        if (run.Histograms.Count > 0)
            text += string.Create(c,
                $"silo histogram n={run.Histograms.Sum(h => h.Count)} p50 {OtlpHistogram.Quantile(run.Histograms, 0.5):F2} p99 {OtlpHistogram.Quantile(run.Histograms, 0.99):F1}; ");
        return text + string.Create(c,
            $"store p50 {Q(run.StoreLatencies, 0.5):F0} p90 {Q(run.StoreLatencies, 0.9):F0} p99 {Q(run.StoreLatencies, 0.99):F0}; " +
            $"{run.StatementsPerTrial:F1} SQL statements and {run.ServerMsPerTrial:F2} ms of server execution per trial; " +
            $"trials per silo {run.PerSilo}; silos ready in {run.ReadySeconds:F1} s; {run.Connections} connections; " +
            $"{(run.Best is { } best ? $"best val_loss {best:G4}; " : "")}load {Load()}");
    }

    private static async Task<FarmRun> FarmAsync(PostgresServer server, OtlpReceiver receiver, string folder, string yaml, int siloCount, int trials, int repeat,
        Telemetry telemetry, CancellationToken ct)
    {
        var database = $"farm_{siloCount}_{repeat}";
        var store = await server.CreateDatabaseAsync(database, ct);
        var (silos, ready) = await StartSilosAsync(store, siloCount, ["--trainer", "none", "--slots", "1"],
            name => telemetry == Telemetry.None ? null : receiver.Environment(database, name, traces: telemetry == Telemetry.Traces));
        try
        {
            await using var farmStore = await FarmStoreFactory.OpenAsync(store, ct: ct);
            await using var connection = await ConnectClusterAsync(store, ct);
            // Every silo known to the dispatcher before the campaign starts, so that all of them serve it from the first trial.
            await Eventually.TrueAsync(async () => (await connection.SilosAsync(ct)).Count == siloCount, TimeSpan.FromSeconds(60),
                $"the dispatcher to list {siloCount} silos");

            await ResetStatementsAsync(server, ct);
            var submittedAt = DateTimeOffset.UtcNow;
            var result = await connection.SubmitAsync(new SubmitRequest(yaml, folder, "throughput.yaml", Resume: false), ct);
            var submitSeconds = (DateTimeOffset.UtcNow - submittedAt).TotalSeconds;
            if (result.Outcome != SubmitOutcome.Created) throw new InvalidOperationException($"submit: {result.Outcome}: {string.Join("; ", result.Problems)}");
            var id = result.Campaign!.Id;
            var campaign = await Eventually.ValueAsync(async () =>
                await farmStore.GetCampaignAsync(id, ct) is { HasEnded: true } ended ? ended : null, CampaignPatience, $"campaign {id} to end");
            var statements = await StatementsAsync(server, database, ct);
            var connections = await ConnectionsAsync(server, ct);
            if (campaign.State != CampaignState.Completed)
                throw new InvalidOperationException($"campaign {id} ended {campaign.State}: {campaign.Error}\n{string.Join("\n", silos.Select(s => s.Output))}");
            if (telemetry != Telemetry.None) await Task.Delay(ExportGrace, ct);

            var records = await farmStore.GetTrialsAsync(id, ct);
            if (records.Count != trials || records.Any(t => t.State != TrialState.Completed || t.Attempt != 1 || t.StartedAt is null || t.FinishedAt is null))
                throw new InvalidOperationException($"campaign {id}: not every trial completed at its first attempt");
            var storeLatencies = new List<double>();
            foreach (var silo in records.GroupBy(t => t.Owner))
            {
                var previous = campaign.CreatedAt;
                foreach (var trial in silo.OrderBy(t => t.StartedAt).ThenBy(t => t.Id))
                {
                    storeLatencies.Add((trial.StartedAt!.Value - previous).TotalMilliseconds);
                    previous = trial.FinishedAt!.Value;
                }
            }

            // From the log lines: per silo, started / completed alternate (one slot).
            var logLatencies = new List<double>();
            var logFirst = new List<double>();
            var trialSide = new List<double>();
            foreach (var silo in receiver.Logs(database).Where(l => l.Kind is OtlpLogKind.Started or OtlpLogKind.Completed).GroupBy(l => l.Silo))
            {
                DateTimeOffset? freed = null;
                DateTimeOffset? started = null;
                foreach (var line in silo.OrderBy(l => l.UnixNanos))
                {
                    if (line.Kind == OtlpLogKind.Started)
                    {
                        if (freed is { } at) logLatencies.Add((line.Time - at).TotalMilliseconds);
                        else logFirst.Add((line.Time - submittedAt).TotalMilliseconds);
                        started = line.Time;
                    }
                    else if (started is { } begun)
                    {
                        trialSide.Add((line.Time - begun).TotalMilliseconds);
                        freed = line.Time;
                    }
                }
            }

            var lastFinish = records.Max(t => t.FinishedAt!.Value);
            var firstStart = records.Min(t => t.StartedAt!.Value);
            var seconds = (lastFinish - submittedAt).TotalSeconds;
            var perSilo = string.Join('/', records.GroupBy(t => t.Owner).Select(g => g.Count()).OrderDescending());
            // A search's trials report the no-op objective; ensemble members report none.
            var losses = (await farmStore.GetFinalMetricsOfCampaignAsync(id, ct)).Values.Where(m => m.ContainsKey("val_loss")).Select(m => m["val_loss"]).ToList();
            return new FarmRun(siloCount, repeat, telemetry, trials, seconds, trials / seconds, (trials - 1) / (lastFinish - firstStart).TotalSeconds,
                storeLatencies, logLatencies, logFirst, trialSide, receiver.Histograms(database), receiver.Spans(database), submitSeconds, perSilo,
                ready.TotalSeconds, connections, statements, losses.Count > 0 ? losses.Min() : null);
        }
        finally
        {
            await StopAsync(silos);
            await DropDatabaseAsync(server, database, ct);
        }
    }

    /// <summary>Every grain call's spans of a traced run: how many per trial, how long, how much of the run they fill.</summary>
    private static void PrintSpans(TextWriter output, FarmRun run)
    {
        output.WriteLine($"  spans of the traced run ({run.Silos} silos), per trial and in ms (client: the caller's round trip; server: the grain's execution, " +
                         "its awaits included; busy: the server spans' sum over the run's length, i.e. how much of the time that grain was occupied):");
        output.WriteLine("  | grain call | kind | per trial | p50 | p90 | p99 | sum per trial | busy |");
        output.WriteLine("  |---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var group in run.Spans.GroupBy(s => (s.Name, s.Kind)).OrderByDescending(g => g.Sum(s => s.Milliseconds)).Take(14))
        {
            var durations = group.Select(s => s.Milliseconds).Order().ToList();
            var kind = group.Key.Kind switch { 2 => "server", 3 => "client", 1 => "internal", _ => $"{group.Key.Kind}" };
            output.WriteLine($"  | {group.Key.Name} | {kind} | {F((double)durations.Count / run.Trials, "F2")} | {F(Quantile(durations, 0.5), "F2")} | " +
                             $"{F(Quantile(durations, 0.9), "F2")} | {F(Quantile(durations, 0.99), "F1")} | {F(durations.Sum() / run.Trials, "F2")} | " +
                             $"{F(100 * durations.Sum() / 1000 / run.Seconds, "F0")} % |");
        }
    }

    /// <summary>
    /// The store's share: a no-op trial's store operations, called one after another from this process on a fresh
    /// database (no grains, no silo): claim, completion, and the campaign grain's read after it. The test set is read
    /// once, as a silo's campaign cache does.
    /// </summary>
    private static async Task StoreLoopAsync(PostgresServer server, string folder, string yaml, int trials, TextWriter output, CancellationToken ct)
    {
        const string database = "store_loop";
        var location = await server.CreateDatabaseAsync(database, ct);
        try
        {
            await using var store = await FarmStoreFactory.OpenAsync(location, ct: ct);
            var id = await CampaignSubmission.Prepare(yaml, folder).SubmitAsync(store, ct);
            var steps = new Dictionary<string, List<double>> { ["claim"] = [], ["complete"] = [], ["ended trial read"] = [] };
            var testRows = (await store.GetTestSetAsync(id, ct)).RowIndices.Length;
            var metrics = new Dictionary<string, double> { ["trained"] = 0 };
            await ResetStatementsAsync(server, ct);
            var clock = Stopwatch.StartNew();
            var total = Stopwatch.StartNew();
            double Lap()
            {
                var ms = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                return ms;
            }
            for (var i = 0; i < trials; i++)
            {
                clock.Restart();
                var claim = (await store.ClaimTrialsAsync(id, "store-loop", 1, TimeSpan.FromSeconds(30), ct)).Single();
                steps["claim"].Add(Lap());
                var predictions = new float[testRows];
                Array.Fill(predictions, 0.5f);
                if (!await store.CompleteTrialAsync(claim.Lease, new TrialOutcome(metrics, predictions, 1, [], "{}"), ct))
                    throw new InvalidOperationException("the store loop's completion was refused");
                steps["complete"].Add(Lap());
                await store.GetEndedTrialAsync(id, claim.Trial.Id, ct);
                steps["ended trial read"].Add(Lap());
            }
            var seconds = total.Elapsed.TotalSeconds;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Store alone (this process calling the PostgreSQL store for {trials} no-op trials in a row, no silo): {trials / seconds:F1} trials/s; per trial, ms " +
                $"(p50 / p90 / mean): {string.Join("; ", steps.Select(s => $"{s.Key} {Q(s.Value, 0.5):F2} / {Q(s.Value, 0.9):F2} / {s.Value.Average():F2}"))}; " +
                $"claim p50 over the first tenth (the most trials queued) {Q(steps["claim"].GetRange(0, trials / 10), 0.5):F2}, over the last tenth {Q(steps["claim"].GetRange(trials - (trials / 10), trials / 10), 0.5):F2}; " +
                $"load {Load()}"));
            PrintStatements(output, "the store alone", await StatementsAsync(server, database, ct), trials, all: true);
        }
        finally
        {
            await DropDatabaseAsync(server, database, ct);
        }
    }

    /// <summary>The SQL a run sent, per trial: how many statements, how long the server took to execute them, the costliest ones.</summary>
    private static void PrintStatements(TextWriter output, string what, IReadOnlyList<(string Query, long Calls, double Milliseconds)> statements, int trials,
        bool all = false)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  SQL of {what} (pg_stat_statements): {statements.Sum(s => s.Calls) / (double)trials:F1} statements and {statements.Sum(s => s.Milliseconds) / trials:F3} ms " +
            $"of server execution per trial; {(all ? "each run at least every other trial" : "the costliest")} (calls per trial, mean ms, statement):"));
        foreach (var (query, calls, ms) in all ? statements.Where(s => s.Calls * 2 >= trials).OrderByDescending(s => s.Calls) : statements.Take(10))
        {
            var text = string.Join(' ', query.Split((char[])['\n', '\r', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {calls / (double)trials,6:F2} × {ms / Math.Max(1, calls),7:F3} ms  {(text.Length > 130 ? text[..130] + "…" : text)}"));
        }
    }

    /// <summary>
    /// A search of <paramref name="trials"/> trials over one float, uniform in [1e-4, 1] as the Optuna side's objective
    /// suggests it, on the small campaign's data set; the no-op trainer reports its square as val_loss, the objective.
    /// </summary>
    private static string SearchYaml(int trials, string sampler) => $$$"""
        name: search-throughput
        kind: search
        seed: 7
        dataset: {path: small.csv, target: y, task: binary, id_column: id}
        model: {hidden: [8]}
        training: {epochs: 5, batch_size: 16, optimizer: {name: sgd, learning_rate: 0.1}}
        search:
          trials: {{{trials}}}
          sampler: {{{sampler}}}
          space:
            training.optimizer.learning_rate: {float: [1.0e-4, 1.0]}
        """;

    private static async Task<OptunaRun> OptunaAsync(PostgresServer server, string script, int workers, int trials, int repeat, string sampler,
        CancellationToken ct)
    {
        var database = $"optuna_{workers}_{repeat}";
        await server.CreateDatabaseAsync(database, ct);
        try
        {
            var url = $"postgresql+psycopg2://{PostgresServer.SuperUser}@{server.Host}:{server.Port}/{database}";
            await ResetStatementsAsync(server, ct);
            var json = await FarmBenchKit.RunAsync("/usr/bin/python3", [script, url, $"{workers}", $"{trials}", sampler], ct);
            using var document = JsonDocument.Parse(json.Trim().Split('\n')[^1]);
            var root = document.RootElement;
            return new OptunaRun(workers, repeat, trials, root.GetProperty("seconds").GetDouble(), root.GetProperty("trials_per_s").GetDouble(),
                root.GetProperty("span_trials_per_s").GetDouble(), root.GetProperty("optuna").GetString() ?? "?", await StatementsAsync(server, database, ct),
                root.GetProperty("best_value").GetDouble());
        }
        finally
        {
            await DropDatabaseAsync(server, database, ct);
        }
    }
}
