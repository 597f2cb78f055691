using EnsembleFarm.Client;
using EnsembleFarm.Client.Connection;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Silo.Tests;

/// <summary>The farm-silo executable as an operator and a supervisor see it: health, signals, exit codes, one-line errors.</summary>
public sealed class SiloProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The farm CLI in process, talking to the silo through its gateway, as a user's would.</summary>
    private static async Task<(int ExitCode, string Output, string Error)> FarmAsync(SiloProcess silo, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var cli = new FarmCli(new CliEnvironment(output, error, Interactive: false), FarmConnector.ConnectAsync);
        var exitCode = await cli.InvokeAsync([.. args, "--gateway", $"127.0.0.1:{silo.GatewayPort}"], Ct);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact(Timeout = 180_000)]
    public async Task ASilo_IsReadyOnItsHealthEndpoints_TrainsWhatTheCliSubmitsThroughItsGateway_AndStopsCleanlyOnSigterm()
    {
        using var folder = new TempFolder();
        var spec = SmallCampaign.Write(folder.Path, members: 3, epochs: 2);
        await using var silo = SiloProcess.Start("silo", folder["farm.db"], ["--slots", "2"]);
        await silo.WaitUntilReadyAsync(Patience, Ct);

        // The health endpoints come up just after the silo joins its cluster.
        await Eventually.TrueAsync(async () => await silo.HealthAsync("/health/live", Ct) == 200, Patience, "/health/live to answer 200");
        Assert.Equal(200, await silo.HealthAsync("/health/ready", Ct));
        var run = await FarmAsync(silo, "submit", spec, "--wait");
        Assert.True(run.ExitCode == 0, run.Error);
        var id = long.Parse(run.Output);

        silo.Signal(Signals.Term);
        Assert.Equal(FarmExitCodes.Ok, await silo.WaitForExitAsync(Patience, Ct));
        await using var store = await FarmStoreFactory.OpenAsync(folder["farm.db"], ct: Ct);
        Assert.Equal(CampaignState.Completed, (await store.GetCampaignAsync(id, Ct))!.State);
        Assert.Equal(3, (await store.GetPredictionsAsync(id, Ct)).Count);
    }

    [Fact(Timeout = 180_000)]
    public async Task Sigterm_WithDrainRelease_GivesTheRunningTrialBackWithoutSpendingAnAttempt()
    {
        using var folder = new TempFolder();
        // Far more epochs than the test waits for: the member is still training when the signal comes.
        var spec = SmallCampaign.Write(folder.Path, members: 1, epochs: 1_000_000);
        await using var silo = SiloProcess.Start("silo", folder["farm.db"], ["--slots", "1", "--drain", "release"]);
        await silo.WaitUntilReadyAsync(Patience, Ct);
        var submitted = await FarmAsync(silo, "submit", spec);
        Assert.True(submitted.ExitCode == FarmExitCodes.Ok, $"submit exited {submitted.ExitCode}: {submitted.Error}\n{string.Join("\n", silo.Lines.TakeLast(30))}");
        var id = long.Parse(submitted.Output);
        await silo.WaitForLineAsync(l => l.Contains($"campaign {id} #0 started"), Patience, Ct);

        silo.Signal(Signals.Term);

        Assert.Equal(FarmExitCodes.Ok, await silo.WaitForExitAsync(Patience, Ct));
        await using var store = await FarmStoreFactory.OpenAsync(folder["farm.db"], ct: Ct);
        var trial = Assert.Single(await store.GetTrialsAsync(id, Ct));
        Assert.Equal((TrialState.Queued, 1), (trial.State, trial.Attempt));
        Assert.Equal(AttemptOutcome.Released, Assert.Single(await store.GetAttemptsAsync(trial.Id, Ct)).Outcome);
        Assert.Contains(silo.Lines, l => l.Contains($"campaign {id} #0 given back to the queue"));
    }

    [Theory(Timeout = 120_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AStoreThatIsNotADatabase_ExitsWithFour_InOneLine(bool initStore)
    {
        using var folder = new TempFolder();
        await File.WriteAllTextAsync(folder["notes.db"], "these are my notes, not a database\n" + new string('x', 5000), Ct);
        await using var silo = SiloProcess.Start("silo", folder["notes.db"], initStore ? [SiloHost.InitStoreFlag] : []);

        Assert.Equal(FarmExitCodes.StoreUnusable, await silo.WaitForExitAsync(Patience, Ct));
        Assert.Equal($"error: '{folder["notes.db"]}' is not an EnsembleFarm store (not a SQLite database).", Assert.Single(silo.Lines));
    }

    [Fact(Timeout = 180_000)]
    public async Task AStoreFileDeletedUnderARunningSilo_StopsItWithExitCodeFour_AndOneLineNamingTheFile()
    {
        using var folder = new TempFolder();
        await using var silo = SiloProcess.Start("silo", folder["farm.db"], ["--lease", "3s"]);
        await silo.WaitUntilReadyAsync(Patience, Ct);

        File.Delete(folder["farm.db"]);

        Assert.Equal(FarmExitCodes.StoreUnusable, await silo.WaitForExitAsync(Patience, Ct));
        var crit = Assert.Single(silo.Lines, l => l.Contains(" crit "));
        Assert.Contains($"the store cannot be used any more; stopping the silo and its trials: The store file '{folder["farm.db"]}' does not exist", crit);
        Assert.DoesNotContain(silo.Lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact(Timeout = 120_000)]
    public async Task InitStore_CreatesTheStore_SaysSoInOneLine_AndExitsWithoutJoiningACluster()
    {
        using var folder = new TempFolder();
        await using var silo = SiloProcess.Start("init", folder["farm.db"], [SiloHost.InitStoreFlag]);

        Assert.Equal(FarmExitCodes.Ok, await silo.WaitForExitAsync(Patience, Ct));
        Assert.Equal(
            $"store {folder["farm.db"]} is ready: its tables are at this build's version; no membership tables needed (a SQLite store has one silo)",
            Assert.Single(silo.Lines));
        await using var store = await FarmStoreFactory.OpenAsync(folder["farm.db"], ct: Ct);
        Assert.Empty(await store.ListCampaignsAsync(Ct));
    }

    [Fact(Timeout = 120_000)]
    public async Task BadSettings_ExitWithTwo_NamingTheFlag()
    {
        using var folder = new TempFolder();
        await using var silo = SiloProcess.Start("silo", folder["farm.db"], ["--slots", "none", "--colour", "blue"]);

        Assert.Equal(FarmExitCodes.BadInput, await silo.WaitForExitAsync(Patience, Ct));
        Assert.Equal(["error: unknown option --colour", "Run 'farm-silo --help' for usage."], silo.Lines);
    }

    [Fact(Timeout = 180_000)]
    public async Task ASecondSiloOnTheSamePorts_ExitsWithTwo_SayingThePortsAreTaken()
    {
        using var folder = new TempFolder();
        var ports = FreePorts.Take(3);
        await using var first = SiloProcess.Start("first", folder["farm.db"], ports: ports);
        await first.WaitUntilReadyAsync(Patience, Ct);

        await using var second = SiloProcess.Start("second", folder["other.db"], ports: ports);

        Assert.Equal(FarmExitCodes.BadInput, await second.WaitForExitAsync(Patience, Ct));
        Assert.Contains(second.Lines, l => l.StartsWith($"error: a port of this silo is taken (silo {ports[0]}", StringComparison.Ordinal));
    }
}
