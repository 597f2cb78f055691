using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.AppHost.Tests;

/// <summary>
/// The AppHost as a user meets it: it prints the dashboard and the campaign's results and exits; Ctrl+C stops the farm
/// cleanly and running it again carries on with the same campaign; a silo that dies is restarted, and says so.
/// </summary>
public sealed class AppHostProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task TheMainCommand_PrintsTheDashboardAndTheResults_AndExitsWithZero()
    {
        using var folder = new TempFolder();
        var spec = SmallCampaign.Write(folder.Path, members: 4, epochs: 3);
        await using var run = AppHostRun.Start("--spec", spec, "--store", folder["farm.db"], "--slots", "2");

        Assert.Equal(FarmExitCodes.Ok, await run.WaitForExitAsync(Patience));

        Assert.Contains(run.Lines, l => l.Contains("Login to the dashboard at http://127.0.0.1:18888/login?t="));
        Assert.Contains($"[apphost] a farm of one silo with 2 slots; store {folder["farm.db"]}", run.Lines);
        Assert.Contains(run.Lines, l => l.StartsWith("campaign 1 completed: 4/4 done", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("Ensemble on the test part", StringComparison.Ordinal));
        Assert.Equal("[apphost] stopping the farm", run.Lines[^1]);
    }

    [Fact(Timeout = 900_000)]
    public async Task CtrlC_StopsTheFarmGivingTrialsBack_AndRunningTheCommandAgain_CarriesOnWithTheSameCampaign()
    {
        using var folder = new TempFolder();
        // Members of a few seconds each: the campaign is still running when Ctrl+C has stopped the farm.
        var spec = SmallCampaign.Write(folder.Path, members: 20, epochs: 3000, rows: 2000);
        await using (var first = AppHostRun.Start("--spec", spec, "--store", folder["farm.db"], "--slots", "1"))
        {
            await first.WaitForLineAsync(l => l.StartsWith("campaign 1 running: 1/20 done", StringComparison.Ordinal), Patience);
            first.Signal(Signals.Interrupt);

            var exitCode = await first.WaitForExitAsync(Patience);
            Assert.True(exitCode == FarmExitCodes.Interrupted, $"exit code {exitCode}:\n{first.Output}");
            Assert.Contains("[apphost] stopping the farm: the silos give their running trials back; run the same command again to carry on", first.Lines);
        }
        await using (var store = await FarmStoreFactory.OpenAsync(folder["farm.db"], ct: Ct))
        {
            var progress = await store.GetProgressAsync(1, Ct);

            Assert.Equal((0, 1), (progress.Running, (await store.ListCampaignsAsync(Ct)).Count));
            Assert.InRange(progress.Completed, 1, 19);
        }

        await using var second = AppHostRun.Start("--spec", spec, "--store", folder["farm.db"], "--slots", "2");

        Assert.Equal(FarmExitCodes.Ok, await second.WaitForExitAsync(Patience));
        Assert.True(second.Lines.Any(l => l.StartsWith("resumed campaign 1 'small'", StringComparison.Ordinal)), string.Join("\n", second.Lines));
        await using var after = await FarmStoreFactory.OpenAsync(folder["farm.db"], ct: Ct);
        Assert.Single(await after.ListCampaignsAsync(Ct));
        Assert.Equal(20, (await after.GetPredictionsAsync(1, Ct)).Count);
        foreach (var trial in await after.GetTrialsAsync(1, Ct))
            Assert.DoesNotContain(await after.GetAttemptsAsync(trial.Id, Ct), a => a.Outcome is AttemptOutcome.Expired or AttemptOutcome.Failed);
    }

    [Fact(Timeout = 900_000)]
    public async Task ASiloThatDies_IsRestartedAndSaysSo_AndTheCampaignStillCompletes()
    {
        using var folder = new TempFolder();
        // Members of a few seconds each, so that the silo dies mid-campaign; two may complete at once, so any count will do.
        var spec = SmallCampaign.Write(folder.Path, members: 6, epochs: 3000, rows: 2000);
        await using var run = AppHostRun.Start("--spec", spec, "--store", folder["farm.db"], "--slots", "2");
        await run.WaitForLineAsync(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^campaign 1 running: [1-4]/6 done"), Patience);

        Signals.Send(SiloProcessOf(folder["farm.db"]), Signals.Kill);

        Assert.True(await run.WaitForExitAsync(Patience) == FarmExitCodes.Ok, run.Output);
        Assert.True(run.Lines.Any(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\[apphost\] silo stopped with exit code -?\d+; restarting it \(restart 1\)$")), run.Output);
        Assert.Contains(run.Lines, l => l.StartsWith("campaign 1 completed: 6/6 done", StringComparison.Ordinal));
    }

    [Fact(Timeout = 900_000)]
    public async Task AStoreDeletedMidRun_StopsTheFarmWithExitCodeFour_InsteadOfReportingSuccess()
    {
        using var folder = new TempFolder();
        // Members of a few seconds each: the campaign is still running when Ctrl+C has stopped the farm.
        var spec = SmallCampaign.Write(folder.Path, members: 20, epochs: 3000, rows: 2000);
        await using var run = AppHostRun.Start("--spec", spec, "--store", folder["farm.db"], "--slots", "1");
        await run.WaitForLineAsync(l => l.StartsWith("campaign 1 running: 1/20 done", StringComparison.Ordinal), Patience);

        File.Delete(folder["farm.db"]);

        Assert.True(await run.WaitForExitAsync(Patience) == FarmExitCodes.StoreUnusable, run.Output);
        Assert.Contains(run.Lines, l => l.Contains($"The store file '{folder["farm.db"]}' does not exist"));
        Assert.Contains("[apphost] silo stopped: its store cannot be used (exit code 4, its reason above); stopping the farm", run.Lines);
        Assert.DoesNotContain(run.Lines, l => l.Contains("completed: 20/20"));
    }

    /// <summary>The farm-silo process serving this store: the only one whose environment names it.</summary>
    private static int SiloProcessOf(string store)
    {
        foreach (var proc in Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(n => int.TryParse(n, out _)))
        {
            try
            {
                var commandLine = File.ReadAllText($"/proc/{proc}/cmdline");
                var environment = File.ReadAllText($"/proc/{proc}/environ");
                if (commandLine.Contains("farm-silo", StringComparison.Ordinal) && environment.Contains($"EnsembleFarm__Store={store}\0", StringComparison.Ordinal))
                    return int.Parse(proc!);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Processes that are not ours, or gone meanwhile.
            }
        }
        throw new InvalidOperationException($"no farm-silo process serves {store}");
    }
}
