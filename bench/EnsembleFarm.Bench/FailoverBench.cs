using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;
using EnsembleFarm.TestKit;
using Npgsql;
using static EnsembleFarm.Bench.FarmBenchKit;

namespace EnsembleFarm.Bench;

/// <summary>
/// <c>failover</c>: how long a trial is lost when the silo training it is SIGKILLed, in a cluster of three silos with the
/// built-in trainer on PostgreSQL, until the trial trains again on another silo.
/// </summary>
/// <remarks>
/// Each repetition starts a fresh cluster (a fresh database, three <c>farm-silo --slots 1</c>) and submits a campaign whose
/// members train about a second each. When the victim (silo 1, 2, 3, 1, … in turn, so that the silo hosting the
/// dispatcher grain is sometimes the one killed) prints "campaign C #i started", the bench waits 300 ms, so that the
/// trial is mid-training, and sends SIGKILL. The trial it held is read from the store right after (running, owned by
/// the victim). Measured from the moment before kill(2), all on this machine's clock:
/// <list type="bullet">
/// <item>declared dead: the victim's row in Orleans' membership table turning Dead (6), polled every 20 ms by the bench;</item>
/// <item>requeued: the end of the trial's first attempt in the store (the dispatcher's recovery, outcome expired);</item>
/// <item>claimed again: the start of its second attempt in the store (the claim by another silo): the headline figure;</item>
/// <item>training: the first epoch of that attempt stored (the epoch trained and written).</item>
/// </list>
/// The store's times are the silos' clock at millisecond resolution; the silos run on this machine, so it is one clock.
/// </remarks>
internal static class FailoverBench
{
    private const int Silos = 3;
    private const int Members = 30;
    private const int DeadStatus = 6;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan MidTraining = TimeSpan.FromMilliseconds(300);

    /// <summary>The campaign: a 2-feature problem on 4,000 rows, a 64-64 network, SGD for 25 epochs: about a second per member here.</summary>
    private static string SpecYaml() => SmallCampaign.SpecYaml(Members, epochs: 25, name: "failover", retries: 2, hidden: 64)
        .Replace("hidden: [64]", "hidden: [64, 64]", StringComparison.Ordinal);

    private sealed record Failover(int Repeat, string Victim, bool VictimHostedDispatcher, int Member, double DeadMs, double RequeuedMs, double ClaimedMs,
        double FirstEpochMs, string Outcome, string NewSilo, double TrialSeconds);

    public static async Task RunAsync(int repeats, TextWriter output, CancellationToken ct)
    {
        output.WriteLine($"failover: {repeats} repetitions, {Silos} silos of 1 slot, built-in trainer; {Now()}; {Environment.ProcessorCount} cores; load {Load()}");
        await using var server = await PostgresServer.StartNewAsync(ct);
        output.WriteLine($"PostgreSQL on 127.0.0.1:{server.Port} (fsync off)");
        using var folder = new TempFolder("farm-failover-");
        SmallCampaign.WriteDataset(folder.Path, rows: 4000);
        var yaml = SpecYaml();

        var results = new List<Failover>();
        var misses = 0;
        for (var repeat = 1; results.Count < repeats; repeat++)
        {
            if (repeat > repeats + 5) throw new InvalidOperationException($"only {results.Count} of {repeats} kills caught a silo mid-trial");
            var result = await OnceAsync(server, folder.Path, yaml, repeat, ct);
            if (result is null)
            {
                misses++;
                output.WriteLine($"repeat {repeat}: the victim held no running trial when killed; repeated");
                continue;
            }
            results.Add(result);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"repeat {repeat}: killed {result.Victim}{(result.VictimHostedDispatcher ? " (it hosted the dispatcher)" : "")} during member {result.Member}; " +
                $"declared dead {result.DeadMs:F0} ms, requeued {result.RequeuedMs:F0} ms, claimed again on {result.NewSilo} {result.ClaimedMs:F0} ms, " +
                $"its first epoch stored {result.FirstEpochMs:F0} ms after the kill; first attempt {result.Outcome}; " +
                $"members completed so far trained {(double.IsNaN(result.TrialSeconds) ? "–" : $"{result.TrialSeconds:F2} s")} on average; load {Load()}"));
            await output.FlushAsync(ct);
        }

        output.WriteLine();
        output.WriteLine($"Summary over {results.Count} kills (median / max, ms after SIGKILL){(misses > 0 ? $"; {misses} kills between trials repeated" : "")}; load {Load()}:");
        output.WriteLine("| step | median | max | all |");
        output.WriteLine("|---|---:|---:|---|");
        Row(output, "declared dead (membership table)", results.Select(r => r.DeadMs));
        Row(output, "requeued (first attempt ended, store)", results.Select(r => r.RequeuedMs));
        Row(output, "**claimed again on another silo (store)**", results.Select(r => r.ClaimedMs));
        Row(output, "its first epoch stored", results.Select(r => r.FirstEpochMs));
        output.WriteLine($"Kills of the silo hosting the dispatcher: {results.Count(r => r.VictimHostedDispatcher)} of {results.Count}.");
    }

    private static void Row(TextWriter output, string step, IEnumerable<double> values)
    {
        var list = values.ToList();
        output.WriteLine($"| {step} | {F(Median(list), "F0")} | {F(list.Max(), "F0")} | {string.Join(", ", list.Select(v => F(v, "F0")))} |");
    }

    private static async Task<Failover?> OnceAsync(PostgresServer server, string folder, string yaml, int repeat, CancellationToken ct)
    {
        var database = $"failover_{repeat}";
        var store = await server.CreateDatabaseAsync(database, ct);
        var (silos, _) = await StartSilosAsync(store, Silos, ["--slots", "1"]);
        try
        {
            await using var farmStore = await FarmStoreFactory.OpenAsync(store, ct: ct);
            await using var connection = await ConnectClusterAsync(store, ct);
            await Eventually.TrueAsync(async () => (await connection.SilosAsync(ct)).Count == Silos, TimeSpan.FromSeconds(60), $"the dispatcher to list {Silos} silos");
            var submitted = await connection.SubmitAsync(new SubmitRequest(yaml, folder, "failover.yaml", Resume: false), ct);
            if (submitted.Outcome != SubmitOutcome.Created) throw new InvalidOperationException($"submit: {string.Join("; ", submitted.Problems)}");
            var id = submitted.Campaign!.Id;

            var victim = silos[(repeat - 1) % Silos];
            await victim.WaitForLineAsync(l => l.Contains($"campaign {id} #", StringComparison.Ordinal) && l.Contains(" started ", StringComparison.Ordinal), Patience, ct);
            await Task.Delay(MidTraining, ct);
            var hostedDispatcher = victim.Lines.Any(l => l.Contains("dispatcher active", StringComparison.Ordinal));
            var victimId = victim.SiloId ?? throw new InvalidOperationException($"{victim.Name} did not say its silo id");

            var killedAt = DateTimeOffset.UtcNow;
            victim.Signal(Signals.Kill);
            var dead = WatchMembershipAsync(store, victim.SiloPort, killedAt, ct);

            var held = (await farmStore.GetTrialsAsync(id, ct)).Where(t => t.State == TrialState.Running && t.Owner == victimId).ToList();
            if (held.Count == 0) return null;
            var trial = held[0];

            var attempts = await Eventually.ValueAsync(async () =>
                await farmStore.GetAttemptsAsync(trial.Id, ct) is { Count: >= 2 } a ? a : null, Patience, $"member {trial.Index}'s second attempt");
            var epoch = await Eventually.ValueAsync(async () =>
                (await farmStore.GetEpochMetricsAsync(trial.Id, ct)).FirstOrDefault(e => e.Attempt >= 2), Patience, $"member {trial.Index}'s first epoch again");
            var deadAfter = await dead.WaitAsync(Patience, ct);

            var completed = (await farmStore.GetTrialsAsync(id, ct)).Where(t => t is { State: TrialState.Completed, StartedAt: not null, FinishedAt: not null }).ToList();
            var trialSeconds = completed.Count == 0 ? double.NaN : completed.Average(t => (t.FinishedAt!.Value - t.StartedAt!.Value).TotalSeconds);
            var newSilo = silos.FirstOrDefault(s => s.SiloId == attempts[1].SiloId)?.Name ?? attempts[1].SiloId;
            return new Failover(repeat, victim.Name, hostedDispatcher, trial.Index, deadAfter.TotalMilliseconds,
                (attempts[0].EndedAt!.Value - killedAt).TotalMilliseconds, (attempts[1].StartedAt - killedAt).TotalMilliseconds,
                (epoch.RecordedAt - killedAt).TotalMilliseconds, $"{attempts[0].Outcome} ({attempts[0].Error})", newSilo, trialSeconds);
        }
        finally
        {
            await StopAsync(silos);
            await DropDatabaseAsync(server, database, ct);
        }

        // Polls the victim's row in the membership table (the silo port identifies it) until the cluster marks it Dead.
        static async Task<TimeSpan> WatchMembershipAsync(string store, int siloPort, DateTimeOffset killedAt, CancellationToken ct)
        {
            var clock = Stopwatch.StartNew();
            await using var connection = new NpgsqlConnection(store);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT status FROM orleansmembershiptable WHERE port = @port ORDER BY generation DESC LIMIT 1;", connection);
            command.Parameters.AddWithValue("port", siloPort);
            while (true)
            {
                if (await command.ExecuteScalarAsync(ct) is int status && status == DeadStatus) return DateTimeOffset.UtcNow - killedAt;
                if (clock.Elapsed > Patience) throw new TimeoutException("the killed silo was not declared dead");
                await Task.Delay(20, ct);
            }
        }
    }
}
