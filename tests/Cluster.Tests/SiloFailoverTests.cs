using EnsembleFarm.Store;

namespace EnsembleFarm.Cluster.Tests;

/// <summary>One of two silos is SIGKILLed mid-training; the other takes its trial over.</summary>
public sealed class SiloFailoverTests
{
    private const int Members = 4;

    /// <summary>Enough that a trial caught in its first half is still running when the kill lands a moment later.</summary>
    private const int Epochs = 400;

    [Fact]
    public async Task A_killed_silos_trial_is_requeued_and_completed_by_the_other_silo()
    {
        await using var workspace = new ClusterWorkspace();
        await workspace.GenerateDataAsync(rows: 600, seed: 6);
        var spec = workspace.WriteSpec("failover", Members, Epochs);
        // a short lease so the survivor notices the dead silo within seconds
        var (farm, siloIds) = await workspace.StartSilosAsync(2, "--lease", "2s");
        var (victim, victimId, survivorId) = (farm.Silos[0], siloIds[0], siloIds[1]);
        var ct = TestContext.Current.CancellationToken;

        var campaignId = await workspace.SubmitAsync(spec);
        await using var store = await workspace.OpenStoreAsync();
        TrialRecord? killedTrial = null;
        await workspace.Eventually(async () =>
        {
            foreach (var trial in await store.GetTrialsAsync(campaignId, ct))
            {
                if (trial.State == TrialState.Running && trial.Owner == victimId
                    && (await store.GetEpochMetricsAsync(trial.Id, ct)).Count is > 0 and < Epochs / 2)
                {
                    killedTrial = trial;
                    return true;
                }
            }
            return false;
        }, TimeSpan.FromSeconds(60), "the first silo never got into the middle of a trial");
        victim.KillNow();

        var watch = await workspace.FarmAsync("watch", campaignId.ToString(), "--interval", "0.2");

        Assert.True(watch.ExitCode == 0, $"farm watch: {watch.ExitCode} {watch.StandardError}{Environment.NewLine}{workspace.SiloLog}");
        var trials = await store.GetTrialsAsync(campaignId, ct);
        Assert.All(trials, t => Assert.Equal(TrialState.Completed, t.State));
        var retried = Assert.Single(trials, t => t.Id == killedTrial!.Id);
        Assert.Equal(2, retried.Attempt);
        Assert.Equal(survivorId, retried.Owner);
        var attempts = await store.GetAttemptsAsync(retried.Id, ct);
        Assert.Equal([(1, victimId, AttemptOutcome.Expired), (2, survivorId, AttemptOutcome.Completed)],
            attempts.Select(a => (a.Attempt, a.SiloId, a.Outcome ?? throw new InvalidOperationException("an attempt is still open"))));
        var predictions = await store.GetPredictionsAsync(campaignId, ct);
        Assert.Equal(Enumerable.Range(0, Members), predictions.Select(p => p.Index).Order());

        await ResultsCheck.AssertResultsMatchStoreAsync(workspace, store, campaignId);
    }
}
