using System.Collections.Concurrent;
using EnsembleFarm.Store;

namespace EnsembleFarm.Cluster.Tests;

/// <summary>The AppHost as a user runs it: silos, submit, progress, results, and a clean stop.</summary>
public sealed class LocalFarmRunTests
{
    [Fact]
    public async Task The_local_farm_runs_a_spec_to_the_end_prints_its_results_and_stops_its_silos()
    {
        await using var workspace = new ClusterWorkspace();
        await workspace.GenerateDataAsync(rows: 600, seed: 8);
        var spec = workspace.WriteSpec("local", members: 6, epochs: 5);
        var lines = new ConcurrentQueue<string>();

        await using var appHost = workspace.StartAppHost(lines.Enqueue, "--spec", spec);
        var exitCode = await appHost.WaitForExitAsync(TestContext.Current.CancellationToken);

        var output = string.Join(Environment.NewLine, lines);
        Assert.True(exitCode == 0, output);
        Assert.Contains("campaign 1 completed: 6/6 done", output);
        Assert.Contains("Ensemble on the test part", output);
        Assert.Contains("[silo-1] ", output);
        await using var store = await workspace.OpenStoreAsync();
        var silos = await store.ListSilosAsync(TestContext.Current.CancellationToken);
        Assert.NotEmpty(silos);
        Assert.All(silos, s => Assert.Equal(SiloState.Stopped, s.State));
    }

    [Fact]
    public async Task Stopping_the_local_farm_mid_campaign_stops_every_silo_and_gives_their_trials_back()
    {
        await using var workspace = new ClusterWorkspace();
        await workspace.GenerateDataAsync(rows: 600, seed: 9);
        var spec = workspace.WriteSpec("stopped", members: 4, epochs: 400);
        var lines = new ConcurrentQueue<string>();
        var ct = TestContext.Current.CancellationToken;
        await using var appHost = workspace.StartAppHost(lines.Enqueue, "--spec", spec);
        await using var store = await workspace.OpenStoreAsync();
        await workspace.Eventually(async () =>
            (await store.ListCampaignsAsync(ct)) is [var campaign] && (await store.GetProgressAsync(campaign.Id, ct)).Running > 0,
            TimeSpan.FromSeconds(60), "no trial started");

        await appHost.StopAsync(TimeSpan.FromSeconds(30));

        var output = string.Join(Environment.NewLine, lines);
        Assert.True(appHost.HasExited, output);
        Assert.Equal(130, await appHost.WaitForExitAsync(ct));
        Assert.Contains("[apphost] stopped; the campaign stays in the store as it was", output);
        var campaignId = (await store.ListCampaignsAsync(ct))[0].Id;
        // released, not failed or cancelled: a later farm picks them up with no attempt spent
        Assert.All(await store.GetTrialsAsync(campaignId, ct), t => Assert.True(t.State is TrialState.Queued or TrialState.Completed, $"trial {t.Index} is {t.State}"));
        Assert.All(await store.ListSilosAsync(ct), s => Assert.Equal(SiloState.Stopped, s.State));
    }
}
