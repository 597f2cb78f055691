using System.Diagnostics;
using System.Text.Json.Nodes;
using EnsembleFarm.Client.Connection;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Models;
using EnsembleFarm.Store;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Cluster.Tests;

/// <summary>
/// A cluster of three real silos on PostgreSQL runs a 60-member ensemble while something goes wrong: a silo killed,
/// a silo frozen past its detection and thawed, PostgreSQL restarted, a silo stopped, the whole cluster stopped and
/// started again. Each time every member completes exactly once, nothing is missing or duplicated, the campaign
/// completes, and its results are exactly those of the same members trained directly.
/// </summary>
public sealed class FaultTests(PostgresServerFixture postgres, FaultCampaign campaign) : IClassFixture<FaultCampaign>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(240);

    private static readonly string[] SiloArgs = ["--slots", "1", "--lease", "20s", "--drain-timeout", "10s"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    [Fact]
    public async Task ASiloKilledMidTrial_ItsTrialsRunElsewhereWithinSeconds_AndEveryMemberCompletesOnce()
    {
        await using var farm = await ClusterFarm.StartAsync(await postgres.CreateDatabaseAsync(Ct), 3, SiloArgs);
        var (id, store, connection) = await SubmitAsync(farm);
        var victim = farm.Silos[1];
        var line = await victim.WaitForLineAsync(l => l.Contains($"campaign {id} #") && l.Contains(" started "), Patience, Ct);
        var index = int.Parse(System.Text.RegularExpressions.Regex.Match(line, @"#(\d+) started").Groups[1].Value);

        var killedAt = Stopwatch.StartNew();
        victim.Signal(Signals.Kill);
        var retried = await Eventually.ValueAsync(async () =>
            (await store.GetTrialsAsync(id, Ct)).SingleOrDefault(t => t.Index == index && t.Attempt >= 2), Patience, $"member {index} to start again");
        Log($"SIGKILL → member {index} training again on another silo: {killedAt.Elapsed.TotalSeconds:F2} s");

        await VerifyExactlyOnceAsync(farm, store, connection, id);
        Assert.NotEqual(victim.SiloId, retried.Owner);
        var attempts = await store.GetAttemptsAsync(retried.Id, Ct);
        Assert.Equal((victim.SiloId, AttemptOutcome.Expired), (attempts[0].SiloId, attempts[0].Outcome));
        // Whichever noticed first: the membership watcher (declared dead) or the dispatcher's sweep of trial owners
        // against the membership (no longer in the cluster); both within the seconds measured above.
        Assert.Matches("was declared dead by the cluster|is no longer in the cluster", attempts[0].Error);
    }

    [Fact]
    public async Task ASiloFrozenPastItsDetectionAndThawed_WritesNothingThatCounts_AndStopsItself()
    {
        await using var farm = await ClusterFarm.StartAsync(await postgres.CreateDatabaseAsync(Ct), 3, SiloArgs);
        var (id, store, connection) = await SubmitAsync(farm);
        var frozen = farm.Silos[2];
        await frozen.WaitForLineAsync(l => l.Contains($"campaign {id} #") && l.Contains(" started "), Patience, Ct);

        var frozenAt = DateTimeOffset.UtcNow;
        frozen.Signal(Signals.Stop);
        var stoppedAt = Stopwatch.StartNew();
        await Eventually.TrueAsync(async () => (await store.GetTrialsAsync(id, Ct)).Any(t => t.Attempt >= 2), Patience, "the frozen silo's trial to be requeued");
        Log($"SIGSTOP → its trial requeued: {stoppedAt.Elapsed.TotalSeconds:F2} s");
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        frozen.Signal(Signals.Continue);
        var thawedAt = Stopwatch.StartNew();

        var exitCode = await frozen.WaitForExitAsync(Patience, Ct);
        Log($"SIGCONT → the thawed silo stopped itself (exit code {exitCode}): {thawedAt.Elapsed.TotalSeconds:F2} s");
        Assert.NotEqual(0, exitCode);
        await VerifyExactlyOnceAsync(farm, store, connection, id);
        foreach (var trial in await store.GetTrialsAsync(id, Ct))
        {
            var attempts = await store.GetAttemptsAsync(trial.Id, Ct);
            // What it finished before the freeze counts; nothing it wrote after (a second covers a commit in flight at the
            // signal). Thawed, it is already dead: it may ask for work before it learns so, but gets none.
            var late = attempts.Where(a => a.SiloId == frozen.SiloId && a.EndedAt > frozenAt.AddSeconds(1)).ToList();
            Assert.All(late, a => Assert.NotEqual(AttemptOutcome.Completed, a.Outcome));
            Assert.All(late, a => Assert.True(a.StartedAt < frozenAt.AddSeconds(1), $"the thawed silo started attempt {a.Attempt} of trial {a.TrialId} at {a.StartedAt:O}"));
        }
    }

    [Fact]
    public async Task PostgreSqlRestartedMidCampaign_TheCampaignCarriesOn_AndEveryMemberCompletesOnce()
    {
        // A server of its own: restarting the assembly's would disturb nothing else, but this keeps the test self-contained.
        await using var server = await PostgresServer.StartNewAsync(Ct);
        await using var farm = await ClusterFarm.StartAsync(await server.CreateDatabaseAsync("faults", Ct), 3, SiloArgs);
        var (id, store, connection) = await SubmitAsync(farm);
        await WaitForCompletedAsync(store, id, 10);

        var down = Stopwatch.StartNew();
        await server.RestartAsync(Ct);
        Log($"PostgreSQL down and up again in {down.Elapsed.TotalSeconds:F2} s");

        await VerifyExactlyOnceAsync(farm, store, connection, id);
        Assert.All(farm.Silos, s => Assert.False(s.HasExited, $"{s.Name} stopped:\n{s.Output}"));
    }

    [Fact]
    public async Task ASiloStoppedWithSigterm_DrainsAndExitsCleanly_AndEveryMemberCompletesOnce()
    {
        await using var farm = await ClusterFarm.StartAsync(await postgres.CreateDatabaseAsync(Ct), 3, SiloArgs);
        var (id, store, connection) = await SubmitAsync(farm);
        var leaving = farm.Silos[0];
        await leaving.WaitForLineAsync(l => l.Contains($"campaign {id} #") && l.Contains(" started "), Patience, Ct);

        leaving.Signal(Signals.Term);

        Assert.Equal(FarmExitCodes.Ok, await leaving.WaitForExitAsync(Patience, Ct));
        Assert.Contains(leaving.Lines, l => l.Contains("draining: 1 trials running (Finish)"));
        await VerifyExactlyOnceAsync(farm, store, connection, id);
        foreach (var trial in await store.GetTrialsAsync(id, Ct))
            Assert.DoesNotContain(await store.GetAttemptsAsync(trial.Id, Ct), a => a.Outcome == AttemptOutcome.Expired);
    }

    [Theory]
    [InlineData(Signals.Term)]
    [InlineData(Signals.Kill)]
    public async Task TheWholeClusterStoppedAndStartedAgain_ResumesTheCampaign_AndEveryMemberCompletesOnce(int signal)
    {
        await using var farm = await ClusterFarm.StartAsync(await postgres.CreateDatabaseAsync(Ct), 3, [.. SiloArgs, "--drain", "release"]);
        var (id, store, connection) = await SubmitAsync(farm);
        await WaitForCompletedAsync(store, id, 10);
        await connection.DisposeAsync();

        foreach (var silo in farm.Silos) silo.Signal(signal);
        foreach (var silo in farm.Silos) await silo.WaitForExitAsync(Patience, Ct);
        var progress = await store.GetProgressAsync(id, Ct);
        Log($"stopped with {progress.Completed} of {FaultCampaign.Members} completed");
        Assert.InRange(progress.Completed, 10, FaultCampaign.Members - 1);

        var restartedAt = Stopwatch.StartNew();
        for (var i = 0; i < 3; i++) farm.StartSilo();
        await Task.WhenAll(farm.Silos.Skip(3).Select(s => s.WaitUntilReadyAsync(Patience, Ct)));
        await using var reconnected = await farm.ConnectAsync(Ct);
        await WaitForCompletedAsync(store, id, progress.Completed + 1);
        Log($"started again → a member completed: {restartedAt.Elapsed.TotalSeconds:F2} s");

        await VerifyExactlyOnceAsync(farm, store, reconnected, id);
    }

    private async Task<(long Id, IFarmStore Store, IFarmConnection Connection)> SubmitAsync(ClusterFarm farm)
    {
        _ = campaign.Expected; // computed before the farm competes for the cores
        var connection = await farm.ConnectAsync(Ct);
        var result = await connection.SubmitAsync(new SubmitRequest(campaign.SpecYaml, campaign.Folder, "faults.yaml", Resume: false), Ct);
        Assert.True(result.Outcome == SubmitOutcome.Created, string.Join("; ", result.Problems));
        return (result.Campaign!.Id, await farm.OpenStoreAsync(Ct), connection);
    }

    private static Task WaitForCompletedAsync(IFarmStore store, long id, int completed) =>
        Eventually.TrueAsync(async () => (await store.GetProgressAsync(id, Ct)).Completed >= completed, Patience, $"{completed} members to complete");

    /// <summary>Every member completed exactly once, by one completed attempt, with the very predictions of a direct run; and the farm's results are those of the direct run.</summary>
    private async Task VerifyExactlyOnceAsync(ClusterFarm farm, IFarmStore store, IFarmConnection connection, long id)
    {
        CampaignRecord ended;
        try
        {
            ended = await Eventually.ValueAsync(async () => await store.GetCampaignAsync(id, Ct) is { HasEnded: true } c ? c : null, Patience, "the campaign to end");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n{farm.Output}", e);
        }
        Assert.True(ended.State == CampaignState.Completed, $"campaign {ended.State}: {ended.Error}\n{farm.Output}");

        var trials = await store.GetTrialsAsync(id, Ct);
        Assert.Equal(Enumerable.Range(0, FaultCampaign.Members), trials.Select(t => t.Index).Order());
        foreach (var trial in trials)
        {
            Assert.Equal(TrialState.Completed, trial.State);
            var completed = Assert.Single(await store.GetAttemptsAsync(trial.Id, Ct), a => a.Outcome == AttemptOutcome.Completed);
            Assert.Equal(trial.Attempt, completed.Attempt);
        }
        var predictions = await store.GetPredictionsAsync(id, Ct);
        Assert.Equal(Enumerable.Range(0, FaultCampaign.Members), predictions.Select(p => p.Index));
        foreach (var member in predictions) Assert.Equal(campaign.Expected.Predictions[member.Index], member.TestPredictions);

        // What `farm results --json` prints equals the aggregate of the directly trained members (under the store's trial ids).
        var output = new StringWriter();
        var cli = new Client.FarmCli(new Client.CliEnvironment(output, new StringWriter(), Interactive: false), (_, _, _) => Task.FromResult(connection));
        Assert.Equal(FarmExitCodes.Ok, await cli.InvokeAsync(["results", id.ToString(), "--json"], Ct));
        var direct = EnsembleAggregator.Aggregate(TaskKind.Binary, 2, await store.GetTestSetAsync(id, Ct),
            [.. predictions.Select(p => p with { TestPredictions = campaign.Expected.Predictions[p.Index] })]);
        var printed = JsonNode.Parse(output.ToString())!.AsObject();
        // The report comes headed by the campaign and how its members trained, which the direct aggregate has no part in.
        printed.Remove("campaign");
        printed.Remove("training");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(direct.ToJson()), printed), output.ToString());
    }
}
