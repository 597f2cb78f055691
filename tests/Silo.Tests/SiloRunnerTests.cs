using EnsembleFarm.Store;
using EnsembleFarm.Silo.Training;
using Xunit;

namespace EnsembleFarm.Silo.Tests;

public sealed class SiloRunnerTests
{
    private static CancellationToken Ct => TestFarm.Ct;

    [Fact]
    public async Task Run_TrainsEveryTrialStoresItsEpochsAndExitsWhenIdle()
    {
        const int Epochs = 200;
        await using var farm = await TestFarm.StartAsync();
        var campaignId = await farm.CreateCampaignAsync(trials: 3);
        // The trainer returns as soon as it has reported: the silo must still store the whole curve before the result.
        var trainer = new ScriptedTrainer((trial, progress, _) =>
        {
            for (var epoch = 1; epoch <= Epochs; epoch++)
                Assert.True(progress.ReportEpoch(epoch, new Dictionary<string, double> { ["val_loss"] = trial.Trial.Index + (1.0 / epoch) }));
            return Task.FromResult(ScriptedTrainer.Outcome());
        });
        var ready = false;

        await farm.Runner(trainer).RunAsync(Ct, () => ready = true);

        Assert.True(ready);
        Assert.Equal(CampaignState.Completed, (await farm.Store.GetCampaignAsync(campaignId, Ct))!.State);
        foreach (var trial in await farm.Store.GetTrialsAsync(campaignId, Ct))
        {
            Assert.Equal((TrialState.Completed, "silo-1"), (trial.State, trial.Owner));
            Assert.Equal(Enumerable.Range(1, Epochs).Select(epoch => trial.Index + (1.0 / epoch)),
                (await farm.Store.GetEpochMetricsAsync(trial.Id, Ct)).Select(e => e.Metrics["val_loss"]));
        }
        var silo = Assert.Single(await farm.Store.ListSilosAsync(Ct));
        Assert.Equal(("silo-1", SiloState.Stopped, 2), (silo.Id, silo.State, silo.Slots.Count));
    }

    [Fact]
    public async Task Run_NeverRunsMoreTrialsThanItHasSlots()
    {
        await using var farm = await TestFarm.StartAsync();
        await farm.CreateCampaignAsync(trials: 6);
        var running = 0;
        var mostAtOnce = 0;
        var trainer = new ScriptedTrainer(async (_, _, _) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref mostAtOnce, now);
            // Long enough that the trials of one claim overlap; nothing here measures time.
            await Task.Delay(20, TestFarm.Ct);
            Interlocked.Decrement(ref running);
            return ScriptedTrainer.Outcome();
        });

        await farm.Runner(trainer, TestFarm.Options(slots: 2)).RunAsync(Ct);

        Assert.Equal(2, mostAtOnce);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var actual && actual != seen) seen = actual;
    }

    [Fact]
    public async Task Run_ATrainerThatThrowsIsRetriedThenFailsWithItsError()
    {
        await using var farm = await TestFarm.StartAsync();
        var campaignId = await farm.CreateCampaignAsync(trials: 1, maxAttempts: 2);
        var trainer = new ScriptedTrainer((_, _, _) => throw new InvalidOperationException("loss became NaN at epoch 3"));

        await farm.Runner(trainer).RunAsync(Ct);

        var trial = Assert.Single(await farm.Store.GetTrialsAsync(campaignId, Ct));
        Assert.Equal((TrialState.Failed, 2), (trial.State, trial.Attempt));
        Assert.Contains("loss became NaN at epoch 3", trial.Error);
        var attempts = await farm.Store.GetAttemptsAsync(trial.Id, Ct);
        Assert.All(attempts, a => Assert.Equal(AttemptOutcome.Failed, a.Outcome));
        Assert.Equal(2, attempts.Count);
        var campaign = await farm.Store.GetCampaignAsync(campaignId, Ct);
        Assert.Equal(CampaignState.Failed, campaign!.State);
        Assert.Contains("loss became NaN at epoch 3", campaign.Error);
    }

    [Fact]
    public async Task Run_AnUnrunnableCampaignFailsWithTheReason()
    {
        await using var farm = await TestFarm.StartAsync();
        var campaignId = await farm.CreateCampaignAsync(trials: 3);
        var trainer = new ScriptedTrainer((_, _, _) => throw new CampaignUnrunnableException("dataset /data/x.csv is missing"));

        await farm.Runner(trainer).RunAsync(Ct);

        var campaign = await farm.Store.GetCampaignAsync(campaignId, Ct);
        Assert.Equal((CampaignState.Failed, "dataset /data/x.csv is missing"), (campaign!.State, campaign.Error));
        Assert.DoesNotContain(await farm.Store.GetTrialsAsync(campaignId, Ct), t => t.State is TrialState.Queued or TrialState.Running);
    }

    [Fact]
    public async Task Run_AnOutcomeTheStoreRefusesFailsTheAttempt()
    {
        await using var farm = await TestFarm.StartAsync();
        var campaignId = await farm.CreateCampaignAsync(trials: 1, maxAttempts: 1, testRows: 4);
        var trainer = new ScriptedTrainer((_, _, _) => Task.FromResult(ScriptedTrainer.Outcome(testRows: 3)));

        await farm.Runner(trainer).RunAsync(Ct);

        var trial = Assert.Single(await farm.Store.GetTrialsAsync(campaignId, Ct));
        Assert.Equal(TrialState.Failed, trial.State);
        Assert.Contains("TestPredictions", trial.Error);
    }

    [Fact]
    public async Task Drain_ReleaseGivesRunningTrialsBackWithoutSpendingAnAttempt()
    {
        await using var farm = await TestFarm.StartAsync();
        var campaignId = await farm.CreateCampaignAsync(trials: 1, maxAttempts: 1);
        var started = new TaskCompletionSource<ClaimedTrial>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var options = TestFarm.Options() with { Drain = DrainMode.Release, OnceIdleExit = false };

        var run = farm.Runner(ScriptedTrainer.UntilCancelled(started), options).RunAsync(stop.Token);
        var claimed = await started.Task.WaitAsync(Ct);
        await stop.CancelAsync();
        await run.WaitAsync(Ct);

        var trial = await farm.Store.GetTrialAsync(claimed.Trial.Id, Ct);
        Assert.Equal((TrialState.Queued, (string?)null), (trial!.State, trial.Owner));
        Assert.Equal(AttemptOutcome.Released, Assert.Single(await farm.Store.GetAttemptsAsync(claimed.Trial.Id, Ct)).Outcome);
        Assert.Equal(CampaignState.Running, (await farm.Store.GetCampaignAsync(campaignId, Ct))!.State);
        Assert.Equal(SiloState.Stopped, Assert.Single(await farm.Store.ListSilosAsync(Ct)).State);
    }

    [Fact]
    public async Task Drain_FinishLetsRunningTrialsCompleteAndClaimsNothingMore()
    {
        await using var farm = await TestFarm.StartAsync();
        var campaignId = await farm.CreateCampaignAsync(trials: 3);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var trainer = new ScriptedTrainer(async (_, _, _) =>
        {
            started.TrySetResult();
            await release.Task;
            return ScriptedTrainer.Outcome();
        });

        var run = farm.Runner(trainer, TestFarm.Options(slots: 1) with { OnceIdleExit = false }).RunAsync(stop.Token);
        await started.Task.WaitAsync(Ct);
        await stop.CancelAsync();
        release.SetResult();
        await run.WaitAsync(Ct);

        Assert.Equal(new CampaignProgress(2, 0, 1, 0, 0, 0), await farm.Store.GetProgressAsync(campaignId, Ct));
    }

    [Fact]
    public async Task Drain_FinishReleasesWhatIsLeftAfterTheTimeout()
    {
        await using var farm = await TestFarm.StartAsync();
        await farm.CreateCampaignAsync(trials: 1);
        var started = new TaskCompletionSource<ClaimedTrial>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var options = TestFarm.Options() with { DrainTimeout = TimeSpan.FromMilliseconds(50), OnceIdleExit = false };

        var run = farm.Runner(ScriptedTrainer.UntilCancelled(started), options).RunAsync(stop.Token);
        var claimed = await started.Task.WaitAsync(Ct);
        await stop.CancelAsync();
        await run.WaitAsync(Ct);

        Assert.Equal(TrialState.Queued, (await farm.Store.GetTrialAsync(claimed.Trial.Id, Ct))!.State);
    }

    [Fact]
    public async Task Run_StopsATrialThatIsNoLongerItsAndWritesNothingForIt()
    {
        await using var farm = await TestFarm.StartAsync();
        var campaignId = await farm.CreateCampaignAsync(trials: 1);
        var started = new TaskCompletionSource<ClaimedTrial>(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var trainer = new ScriptedTrainer(async (trial, _, ct) =>
        {
            started.TrySetResult(trial);
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            finally
            {
                cancelled.TrySetResult();
            }
            return ScriptedTrainer.Outcome();
        });

        var run = farm.Runner(trainer).RunAsync(Ct);
        var claimed = await started.Task.WaitAsync(Ct);
        Assert.True(await farm.Store.CancelCampaignAsync(campaignId, Ct));
        await cancelled.Task.WaitAsync(Ct);
        await run.WaitAsync(Ct);

        Assert.Equal(TrialState.Cancelled, (await farm.Store.GetTrialAsync(claimed.Trial.Id, Ct))!.State);
        Assert.Equal(AttemptOutcome.Cancelled, Assert.Single(await farm.Store.GetAttemptsAsync(claimed.Trial.Id, Ct)).Outcome);
    }

    [Fact]
    public async Task Run_ARefusedEpochReportStopsTheTrainingAndNothingMoreIsWritten()
    {
        await using var farm = await TestFarm.StartAsync();
        var campaignId = await farm.CreateCampaignAsync(trials: 1);
        var started = new TaskCompletionSource<ClaimedTrial>(TaskCreationOptions.RunContinuationsAsynchronously);
        var campaignCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stoppedByItsToken = false;
        var trainer = new ScriptedTrainer(async (trial, progress, ct) =>
        {
            started.TrySetResult(trial);
            await campaignCancelled.Task.WaitAsync(ct);
            // Reports go on until one comes back refused; reporting is asynchronous, so that may take a few epochs.
            for (var epoch = 0; progress.ReportEpoch(epoch, new Dictionary<string, double> { ["val_loss"] = 1 }); epoch++)
                await Task.Delay(5, CancellationToken.None);
            stoppedByItsToken = ct.IsCancellationRequested;
            ct.ThrowIfCancellationRequested();
            return ScriptedTrainer.Outcome();
        });
        // No heartbeat during the test: only the refused report can tell the silo that the trial is not its own.
        var options = TestFarm.Options() with { Heartbeat = TimeSpan.FromHours(1) };

        var run = farm.Runner(trainer, options).RunAsync(Ct);
        var claimed = await started.Task.WaitAsync(Ct);
        Assert.True(await farm.Store.CancelCampaignAsync(campaignId, Ct));
        campaignCancelled.SetResult();
        await run.WaitAsync(Ct);

        Assert.True(stoppedByItsToken);
        Assert.Equal(TrialState.Cancelled, (await farm.Store.GetTrialAsync(claimed.Trial.Id, Ct))!.State);
        Assert.Empty(await farm.Store.GetEpochMetricsAsync(claimed.Trial.Id, Ct));
    }

    [Theory]
    [InlineData(1)] // every slot busy: the heartbeat meets the missing file first
    [InlineData(2)] // a slot free: the claim loop meets it first
    public async Task Run_AStoreFileDeletedMidTrialStopsTheTrialAndEndsWithTheStoreError(int slots)
    {
        await using var farm = await TestFarm.StartAsync();
        await farm.CreateCampaignAsync(trials: 1);
        var started = new TaskCompletionSource<ClaimedTrial>(TaskCreationOptions.RunContinuationsAsynchronously);

        // The trainer runs until cancelled, so the run can only end if the silo stops its trial.
        var run = farm.Runner(ScriptedTrainer.UntilCancelled(started), TestFarm.Options(slots: slots)).RunAsync(Ct);
        await started.Task.WaitAsync(Ct);
        File.Delete(farm.Store.FilePath);

        var error = await Assert.ThrowsAsync<FarmStoreException>(() => run.WaitAsync(Ct));
        Assert.Contains($"'{farm.Store.FilePath}' does not exist", error.Message);
        Assert.False(File.Exists(farm.Store.FilePath));
    }

    [Fact]
    public async Task Run_AStoreErrorOnAnEpochReportReachesTheTrainerAndEndsTheSilo()
    {
        await using var farm = await TestFarm.StartAsync();
        await farm.CreateCampaignAsync(trials: 1);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Exception? seenByTrainer = null;
        var trainer = new ScriptedTrainer(async (_, progress, ct) =>
        {
            started.TrySetResult();
            try
            {
                // Reports are written behind the training: the write error comes back through a later report.
                for (var epoch = 0; progress.ReportEpoch(epoch, new Dictionary<string, double> { ["val_loss"] = 1 }); epoch++)
                    await Task.Delay(5, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                seenByTrainer = e;
                throw;
            }
            return ScriptedTrainer.Outcome();
        });
        // One slot and no heartbeat: with its slot busy the claim loop does not touch the store, so only the
        // trial's epoch writer can meet the missing file.
        var options = TestFarm.Options(slots: 1) with { Heartbeat = TimeSpan.FromHours(1) };

        var run = farm.Runner(trainer, options).RunAsync(Ct);
        await started.Task.WaitAsync(Ct);
        File.Delete(farm.Store.FilePath);

        var error = await Assert.ThrowsAsync<FarmStoreException>(() => run.WaitAsync(Ct));
        Assert.Contains($"'{farm.Store.FilePath}' does not exist", error.Message);
        Assert.IsType<FarmStoreException>(seenByTrainer);
    }

    [Fact]
    public async Task Run_WithTheStoreFileGoneFailsAtRegistrationWithTheStoreError()
    {
        await using var farm = await TestFarm.StartAsync();
        File.Delete(farm.Store.FilePath);

        var error = await Assert.ThrowsAsync<FarmStoreException>(() => farm.Runner(ScriptedTrainer.UntilCancelled(new())).RunAsync(Ct));

        Assert.Contains($"'{farm.Store.FilePath}' does not exist", error.Message);
    }

    [Fact]
    public async Task Run_RecoversTheTrialsOfASiloThatDied()
    {
        await using var farm = await TestFarm.StartAsync();
        var campaignId = await farm.CreateCampaignAsync(trials: 1);
        // A silo that claimed the trial with a very short lease and was never heard of again.
        var dead = Assert.Single(await farm.Store.ClaimTrialsAsync("dead-silo", 1, TimeSpan.FromMilliseconds(1), Ct));

        await farm.Runner(new ScriptedTrainer((_, _, _) => Task.FromResult(ScriptedTrainer.Outcome()))).RunAsync(Ct);

        var trial = await farm.Store.GetTrialAsync(dead.Trial.Id, Ct);
        Assert.Equal((TrialState.Completed, 2, "silo-1"), (trial!.State, trial.Attempt, trial.Owner));
        Assert.Equal(["dead-silo", "silo-1"], (await farm.Store.GetAttemptsAsync(trial.Id, Ct)).Select(a => a.SiloId));
        Assert.Equal(CampaignState.Completed, (await farm.Store.GetCampaignAsync(campaignId, Ct))!.State);
    }
}
