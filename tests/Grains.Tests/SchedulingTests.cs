using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Grains.Tests;

/// <summary>The grains schedule trials into silos' slots: within the slots, fairly, retried, cancelled, and refused when nothing can fit.</summary>
public sealed class SchedulingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 240_000)]
    public async Task Trials_RunWithinEachSilosSlots_OnEverySilo_AndEachCompletesOnce()
    {
        await using var farm = await InProcessFarm.StartAsync(silos: 2, slotsPerSilo: 2);
        farm.Trainer.Behaviour = (_, ct) => Task.Delay(60, ct);

        var id = await farm.SubmitAsync(members: 16);
        var campaign = await farm.WaitForEndAsync(id);

        Assert.Equal(CampaignState.Completed, campaign.State);
        var trials = await farm.Store.GetTrialsAsync(id, Ct);
        Assert.All(trials, t => Assert.Equal((TrialState.Completed, 1), (t.State, t.Attempt)));
        Assert.Equal(16, farm.Trainer.Started.Count);
        Assert.Equal(16, farm.Trainer.Started.Select(l => l.TrialId).Distinct().Count());
        var silos = farm.Cluster.Silos.Select(s => s.SiloAddress.ToParsableString()).ToList();
        Assert.All(silos, silo => Assert.InRange(farm.Trainer.PeakConcurrency(silo), 1, 2));
        Assert.Equal(16, (await farm.Store.GetPredictionsAsync(id, Ct)).Count);
    }

    [Fact(Timeout = 240_000)]
    public async Task AFailedAttempt_RunsAgain_UntilTheSpecsRetriesAreSpent()
    {
        await using var farm = await InProcessFarm.StartAsync(silos: 2, slotsPerSilo: 1);
        farm.Trainer.Behaviour = (trial, _) => (trial.Trial.Index, trial.Lease.Attempt) switch
        {
            (1, 1) => throw new InvalidOperationException("flaky GPU"),
            (2, _) => throw new InvalidOperationException("always broken"),
            _ => Task.CompletedTask,
        };

        var id = await farm.SubmitAsync(members: 4, retries: 1);
        var campaign = await farm.WaitForEndAsync(id);

        Assert.Equal(CampaignState.Completed, campaign.State);
        var trials = (await farm.Store.GetTrialsAsync(id, Ct)).ToDictionary(t => t.Index);
        Assert.Equal((TrialState.Completed, 2), (trials[1].State, trials[1].Attempt));
        Assert.Equal((TrialState.Failed, 2), (trials[2].State, trials[2].Attempt));
        Assert.Equal("InvalidOperationException: always broken", trials[2].Error);
        Assert.Equal([AttemptOutcome.Failed, AttemptOutcome.Completed],
            (await farm.Store.GetAttemptsAsync(trials[1].Id, Ct)).Select(a => a.Outcome!.Value));
        Assert.Equal((TrialState.Completed, 1), (trials[3].State, trials[3].Attempt));
    }

    [Fact(Timeout = 240_000)]
    public async Task Cancel_StopsTheRunningTrials_FreesTheirSlots_AndStartsNothingMore()
    {
        await using var farm = await InProcessFarm.StartAsync(silos: 2, slotsPerSilo: 1);
        farm.Trainer.Behaviour = (trial, ct) => trial.Campaign.Name == "stuck" ? Task.Delay(Timeout.Infinite, ct) : Task.CompletedTask;
        var stuck = await farm.SubmitAsync(members: 6, name: "stuck");
        await Eventually.TrueAsync(() => farm.Trainer.Started.Count == 2, Patience, "both slots to be busy");

        Assert.True(await farm.Cluster.Client.GetGrain<ICampaignGrain>(stuck).CancelAsync());

        await Eventually.TrueAsync(() => farm.Trainer.Cancelled.Count == 2, Patience, "the running trials to be stopped");
        var campaign = await farm.Store.GetCampaignAsync(stuck, Ct);
        Assert.Equal(CampaignState.Cancelled, campaign!.State);
        Assert.All(await farm.Store.GetTrialsAsync(stuck, Ct), t => Assert.Equal(TrialState.Cancelled, t.State));
        Assert.False(await farm.Cluster.Client.GetGrain<ICampaignGrain>(stuck).CancelAsync());

        var next = await farm.SubmitAsync(members: 4, name: "next");
        Assert.Equal(CampaignState.Completed, (await farm.WaitForEndAsync(next)).State);
        Assert.Equal(2 + 4, farm.Trainer.Started.Count);
    }

    [Fact(Timeout = 240_000)]
    public async Task TwoCampaignsAtOnce_ShareTheSlots_InsteadOfTheSecondWaitingForTheFirst()
    {
        await using var farm = await InProcessFarm.StartAsync(silos: 2, slotsPerSilo: 1);
        farm.Trainer.Behaviour = (_, ct) => Task.Delay(150, ct);

        var first = await farm.SubmitAsync(members: 8, name: "first");
        var second = await farm.SubmitAsync(members: 8, name: "second");
        await farm.WaitForEndAsync(first);
        await farm.WaitForEndAsync(second);

        var order = farm.Trainer.Started.Select(l => farm.Store.GetTrialAsync(l.TrialId, Ct).Result!.CampaignId).ToList();
        // Each freed slot goes to the campaign holding fewer: after the first two starts they alternate.
        Assert.True(order.IndexOf(second) < 4, $"start order: {string.Join(",", order)}");
        Assert.True(order.LastIndexOf(first) > order.IndexOf(second) + 4, $"start order: {string.Join(",", order)}");
    }

    [Fact(Timeout = 240_000)]
    public async Task ATrialThatNoSiloCanHold_IsRefusedAtSubmit_WithTheReason()
    {
        await using var farm = await InProcessFarm.StartAsync(silos: 2, slotsPerSilo: 2);
        var dispatcher = farm.Cluster.Client.GetGrain<IDispatcherGrain>(0);
        await Eventually.TrueAsync(async () => (await dispatcher.GetCapacityAsync()) is { Silos: 2, Unreported: 0 }, Patience, "both silos to report");
        SmallCampaign.WriteDataset(farm.Folder);

        var result = await farm.Farm.SubmitAsync(new SubmitRequest(SmallCampaign.SpecYaml(4, slots: 3), farm.Folder, "wide.yaml", false));

        Assert.Equal(SubmitOutcome.CannotRun, result.Outcome);
        Assert.Equal(
            "wide.yaml: resources.slots: a trial needs 3 slots and the largest live silo has 2, so no silo of this cluster could ever run it; " +
            "lower resources.slots (or training.threads) or add a larger silo",
            Assert.Single(result.Problems));
        Assert.Empty(await farm.Store.ListCampaignsAsync(Ct));
    }

    [Fact(Timeout = 240_000)]
    public async Task ABadSpec_IsRefusedAtSubmit_AndNothingIsWritten()
    {
        await using var farm = await InProcessFarm.StartAsync(silos: 1, slotsPerSilo: 1);

        var result = await farm.Farm.SubmitAsync(new SubmitRequest("name: x\nkind: ensemble\n", farm.Folder, "x.yaml", false));

        Assert.Equal(SubmitOutcome.Refused, result.Outcome);
        Assert.Contains("dataset", Assert.Single(result.Problems));
        Assert.Empty(await farm.Store.ListCampaignsAsync(Ct));
    }

    [Fact(Timeout = 240_000)]
    public async Task ResubmittingTheSameSpec_WithResume_CarriesOnWithTheUnfinishedCampaign()
    {
        await using var farm = await InProcessFarm.StartAsync(silos: 1, slotsPerSilo: 1);
        var gate = new TaskCompletionSource();
        farm.Trainer.Behaviour = (_, ct) => gate.Task.WaitAsync(ct);
        var first = await farm.SubmitAsync(members: 3);

        var again = await farm.Farm.SubmitAsync(new SubmitRequest(SmallCampaign.SpecYaml(3), farm.Folder, "small.yaml", Resume: true));
        var other = await farm.Farm.SubmitAsync(new SubmitRequest(SmallCampaign.SpecYaml(4), farm.Folder, "small.yaml", Resume: true));

        Assert.Equal((SubmitOutcome.Resumed, first), (again.Outcome, again.Campaign!.Id));
        Assert.Equal(SubmitOutcome.Created, other.Outcome);
        Assert.NotEqual(first, other.Campaign!.Id);
        gate.SetResult();
        Assert.Equal(CampaignState.Completed, (await farm.WaitForEndAsync(first)).State);
        Assert.Equal(3, (await farm.Store.GetTrialsAsync(first, Ct)).Count);
    }
}
