using EnsembleFarm.Store;

namespace EnsembleFarm.Cluster.Tests;

/// <summary>Two real silo processes on one SQLite store train one small ensemble together.</summary>
public sealed class TwoSiloEnsembleTests
{
    private const int Members = 12;

    [Fact]
    public async Task Every_member_completes_exactly_once_and_results_equal_the_stored_predictions()
    {
        await using var workspace = new ClusterWorkspace();
        await workspace.GenerateDataAsync(rows: 600, seed: 5);
        // long enough trials that one silo cannot finish them all before the other's first claim
        var spec = workspace.WriteSpec("pair", Members, epochs: 20);
        var (_, siloIds) = await workspace.StartSilosAsync(2);

        var campaignId = await workspace.SubmitAsync(spec);
        var watch = await workspace.FarmAsync("watch", campaignId.ToString(), "--interval", "0.2");

        Assert.True(watch.ExitCode == 0, $"farm watch: {watch.ExitCode} {watch.StandardError}{Environment.NewLine}{workspace.SiloLog}");
        await using var store = await workspace.OpenStoreAsync();
        var ct = TestContext.Current.CancellationToken;
        var trials = await store.GetTrialsAsync(campaignId, ct);
        Assert.Equal(Enumerable.Range(0, Members), trials.Select(t => t.Index).Order());
        Assert.All(trials, t =>
        {
            Assert.Equal(TrialState.Completed, t.State);
            Assert.Equal(1, t.Attempt);
        });
        // both silos took part: each claimed at least one member
        Assert.Equal(siloIds.Order(), trials.Select(t => t.Owner!).Distinct().Order());
        foreach (var trial in trials)
        {
            var attempts = await store.GetAttemptsAsync(trial.Id, ct);
            Assert.Equal(AttemptOutcome.Completed, Assert.Single(attempts).Outcome);
        }
        var predictions = await store.GetPredictionsAsync(campaignId, ct);
        Assert.Equal(Enumerable.Range(0, Members), predictions.Select(p => p.Index).Order());

        await ResultsCheck.AssertResultsMatchStoreAsync(workspace, store, campaignId);
    }
}
