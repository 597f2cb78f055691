using System.Collections.Concurrent;
using EnsembleFarm.Store;
using Xunit;

namespace EnsembleFarm.Store.Tests;

/// <summary>
/// The behaviour every <see cref="IFarmStore"/> must have. Each implementation derives a test class that
/// says how to create a fresh, migrated, empty store; the tests themselves are written once.
/// </summary>
public abstract class FarmStoreContractTests : IAsyncDisposable
{
    protected static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly List<IFarmStore> _stores = [];

    protected ManualClock Clock { get; } = ManualClock.AtNewYear();

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A fresh, migrated, empty store whose timestamps come from <paramref name="clock"/>.</summary>
    protected abstract Task<IFarmStore> CreateStoreAsync(TimeProvider clock);

    /// <summary>A second, independent instance over the same data as <paramref name="first"/> (another process would open one).</summary>
    protected abstract Task<IFarmStore> OpenAnotherInstanceAsync(IFarmStore first, TimeProvider clock);

    protected virtual ValueTask CleanUpAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores) await store.DisposeAsync();
        await CleanUpAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>A fresh store from <see cref="CreateStoreAsync"/> on <see cref="Clock"/>, disposed with the test.</summary>
    protected async Task<IFarmStore> NewStoreAsync()
    {
        var store = await CreateStoreAsync(Clock);
        _stores.Add(store);
        return store;
    }

    protected static NewCampaign Campaign(string name = "demo", int maxAttempts = 2, int testRows = 3) => new(
        name, "ensemble", "binary", $"name: {name}\n", "/data/demo.csv", new string('a', 64), maxAttempts,
        new CampaignTestSet(
            Enumerable.Range(10, testRows).ToArray(),
            Enumerable.Range(0, testRows).Select(i => (float)(i % 2)).ToArray(),
            1,
            Enumerable.Range(0, testRows).Select(i => $"row-{i}").ToArray()),
        $"key-{name}");

    protected static NewTrial[] Trials(int count, int slots = 1) =>
        Enumerable.Range(0, count).Select(i => new NewTrial(i, "{}", (ulong)i, (ulong)i + 100, slots)).ToArray();

    protected static TrialOutcome Outcome(float offset = 0.25f, int testRows = 3) => new(
        new Dictionary<string, double> { ["auc"] = 0.5 + offset, ["log_loss"] = offset },
        Enumerable.Range(0, testRows).Select(i => offset + (i * 0.1f)).ToArray(),
        1,
        [1, 2, 3, (byte)(offset * 100)],
        $$"""{"offset":{{offset}}}""");

    private static Dictionary<string, double> Metrics(double loss) => new() { ["val_loss"] = loss };

    private async Task<(IFarmStore Store, long CampaignId)> StoreWithCampaignAsync(int trials = 1, int maxAttempts = 2)
    {
        var store = await NewStoreAsync();
        var campaignId = await store.CreateCampaignAsync(Campaign(maxAttempts: maxAttempts), Trials(trials), Ct);
        return (store, campaignId);
    }

    protected static async Task<ClaimedTrial> ClaimOneAsync(IFarmStore store, long campaignId, string silo = "silo-a") =>
        Assert.Single(await store.ClaimTrialsAsync(campaignId, silo, 1, Lease, Ct));

    /// <summary>Lets the lease of every running trial run out and has the store notice.</summary>
    private async Task ExpireLeasesAsync(IFarmStore store)
    {
        Clock.Advance(Lease + TimeSpan.FromSeconds(1));
        await store.RecoverExpiredLeasesAsync(Clock.GetUtcNow(), Ct);
    }

    // Campaigns ----------------------------------------------------------------------------------

    [Fact]
    public async Task CreateCampaign_StoresCampaignTrialsAndTestSetAsSubmitted()
    {
        var store = await NewStoreAsync();
        var campaign = Campaign("lectures");
        NewTrial[] trials =
        [
            new(0, """{"lr":0.01}""", ulong.MaxValue, 1UL << 63, 1),
            new(1, """{"lr":0.1}""", 7, 8, 2),
        ];

        var id = await store.CreateCampaignAsync(campaign, trials, Ct);

        var stored = await store.GetCampaignAsync(id, Ct);
        Assert.NotNull(stored);
        Assert.Equal(
            (campaign.Name, campaign.Kind, campaign.SpecYaml, campaign.DatasetPath, campaign.DatasetSha256, campaign.MaxAttempts),
            (stored.Name, stored.Kind, stored.SpecYaml, stored.DatasetPath, stored.DatasetSha256, stored.MaxAttempts));
        Assert.Equal(CampaignState.Queued, stored.State);
        Assert.Equal(Clock.GetUtcNow(), stored.CreatedAt);
        Assert.Null(stored.StartedAt);

        var storedTrials = await store.GetTrialsAsync(id, Ct);
        Assert.Equal(2, storedTrials.Count);
        for (var i = 0; i < trials.Length; i++)
        {
            var t = storedTrials[i];
            Assert.Equal((trials[i].Index, trials[i].ParamsJson, trials[i].SplitSeed, trials[i].InitSeed, trials[i].Slots),
                (t.Index, t.ParamsJson, t.SplitSeed, t.InitSeed, t.Slots));
            Assert.Equal((TrialState.Queued, 0, (string?)null, id), (t.State, t.Attempt, t.Owner, t.CampaignId));
            Assert.Equal(t, await store.GetTrialAsync(t.Id, Ct));
        }

        var testSet = await store.GetTestSetAsync(id, Ct);
        Assert.Equal(campaign.TestSet.RowIndices, testSet.RowIndices);
        Assert.Equal(campaign.TestSet.Targets, testSet.Targets);
        Assert.Equal(campaign.TestSet.TargetWidth, testSet.TargetWidth);
        Assert.Equal(campaign.TestSet.Ids, testSet.Ids);
        Assert.Equal(new CampaignProgress(2, 0, 0, 0, 0, 0), await store.GetProgressAsync(id, Ct));
    }

    [Fact]
    public async Task CreateCampaign_RefusesBadInputNamingTheField()
    {
        var store = await NewStoreAsync();

        var duplicate = await Assert.ThrowsAsync<ArgumentException>(() =>
            store.CreateCampaignAsync(Campaign(), [new NewTrial(3, "{}", 1, 2), new NewTrial(3, "{}", 3, 4)], Ct));
        Assert.Contains("trials[1].Index 3", duplicate.Message);

        var badParams = await Assert.ThrowsAsync<ArgumentException>(() =>
            store.CreateCampaignAsync(Campaign(), [new NewTrial(0, "[1]", 1, 2)], Ct));
        Assert.Contains("trials[0].ParamsJson", badParams.Message);

        var badHash = await Assert.ThrowsAsync<ArgumentException>(() =>
            store.CreateCampaignAsync(Campaign() with { DatasetSha256 = "ABC" }, Trials(1), Ct));
        Assert.Contains("DatasetSha256", badHash.Message);

        var badTargets = await Assert.ThrowsAsync<ArgumentException>(() =>
            store.CreateCampaignAsync(Campaign() with { TestSet = new CampaignTestSet([1, 2], [0f], 1, null) }, Trials(1), Ct));
        Assert.Contains("TestSet.Targets", badTargets.Message);

        Assert.Empty(await store.ListCampaignsAsync(Ct));
    }

    [Fact]
    public async Task ListCampaigns_NewestFirst()
    {
        var store = await NewStoreAsync();
        var first = await store.CreateCampaignAsync(Campaign("first"), Trials(1), Ct);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await store.CreateCampaignAsync(Campaign("second"), Trials(1), Ct);

        Assert.Equal([second, first], (await store.ListCampaignsAsync(Ct)).Select(c => c.Id));
    }

    [Fact]
    public async Task UnknownCampaign_IsReportedAsMissing()
    {
        var store = await NewStoreAsync();

        Assert.Null(await store.GetCampaignAsync(42, Ct));
        Assert.Empty(await store.GetTrialsAsync(42, Ct));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.GetTestSetAsync(42, Ct));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.GetProgressAsync(42, Ct));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.CancelCampaignAsync(42, Ct));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.FailCampaignAsync(42, "gone", Ct));
    }

    // Claims -------------------------------------------------------------------------------------

    [Fact]
    public async Task Claim_MarksTrialRunningUnderALeaseAndCampaignRunning()
    {
        var (store, campaignId) = await StoreWithCampaignAsync(trials: 2);
        Clock.Advance(TimeSpan.FromSeconds(5));

        var claimed = await ClaimOneAsync(store, campaignId);

        Assert.Equal(0, claimed.Trial.Index);
        Assert.Equal((TrialState.Running, 1, "silo-a"), (claimed.Trial.State, claimed.Trial.Attempt, claimed.Trial.Owner));
        Assert.Equal(Clock.GetUtcNow() + Lease, claimed.Trial.LeaseExpiresAt);
        Assert.Equal(Clock.GetUtcNow(), claimed.Trial.StartedAt);
        Assert.Equal(new TrialLease(claimed.Trial.Id, 1, "silo-a"), claimed.Lease);
        Assert.Equal((campaignId, CampaignState.Running, Clock.GetUtcNow()), (claimed.Campaign.Id, claimed.Campaign.State, claimed.Campaign.StartedAt));
        Assert.Equal(claimed.Campaign, await store.GetCampaignAsync(campaignId, Ct));
        Assert.Equal(new CampaignProgress(1, 1, 0, 0, 0, 0), await store.GetProgressAsync(campaignId, Ct));

        var attempt = Assert.Single(await store.GetAttemptsAsync(claimed.Trial.Id, Ct));
        Assert.Equal(new TrialAttemptRecord(claimed.Trial.Id, 1, "silo-a", Clock.GetUtcNow(), null, null, null), attempt);
    }

    [Fact]
    public async Task Claim_TakesOnlyTheNamedCampaignsTrials_LowestIndexFirst()
    {
        var store = await NewStoreAsync();
        var older = await store.CreateCampaignAsync(Campaign("older"), [new NewTrial(5, "{}", 1, 1), new NewTrial(2, "{}", 1, 1)], Ct);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var newer = await store.CreateCampaignAsync(Campaign("newer"), Trials(2), Ct);

        var claimed = await store.ClaimTrialsAsync(newer, "silo-a", 3, Lease, Ct);

        Assert.Equal([(newer, 0), (newer, 1)], claimed.Select(c => (c.Campaign.Id, c.Trial.Index)));
        Assert.Equal(2, (await store.GetProgressAsync(older, Ct)).Queued);
        Assert.Equal([2, 5], (await store.ClaimTrialsAsync(older, "silo-a", 3, Lease, Ct)).Select(c => c.Trial.Index));
        Assert.Empty(await store.ClaimTrialsAsync(404, "silo-a", 3, Lease, Ct));
    }

    [Fact]
    public async Task Claim_GivesOnlyWhatFitsTheFreeSlots()
    {
        var store = await NewStoreAsync();
        var campaignId = await store.CreateCampaignAsync(Campaign(),
            [new NewTrial(0, "{}", 1, 1, Slots: 2), new NewTrial(1, "{}", 1, 1, Slots: 1), new NewTrial(2, "{}", 1, 1, Slots: 2)], Ct);

        var oneSlot = await store.ClaimTrialsAsync(campaignId, "small", 1, Lease, Ct);
        Assert.Equal([1], oneSlot.Select(c => c.Trial.Index));
        Assert.Empty(await store.ClaimTrialsAsync(campaignId, "small", 1, Lease, Ct));
        Assert.Empty(await store.ClaimTrialsAsync(campaignId, "none", 0, Lease, Ct));

        var threeSlots = await store.ClaimTrialsAsync(campaignId, "big", 3, Lease, Ct);
        Assert.Equal([0], threeSlots.Select(c => c.Trial.Index));
        var twoSlots = await store.ClaimTrialsAsync(campaignId, "big", 2, Lease, Ct);
        Assert.Equal([2], twoSlots.Select(c => c.Trial.Index));
        Assert.Equal(new CampaignProgress(0, 3, 0, 0, 0, 0), await store.GetProgressAsync(campaignId, Ct));
    }

    [Fact]
    public async Task Claim_WithNothingQueued_ReturnsNothing()
    {
        var (store, campaignId) = await StoreWithCampaignAsync(trials: 1);
        await ClaimOneAsync(store, campaignId);

        Assert.Empty(await store.ClaimTrialsAsync(campaignId, "silo-b", 4, Lease, Ct));
    }

    // Epochs, completion -------------------------------------------------------------------------

    [Fact]
    public async Task ReportEpoch_KeepsTheCurrentAttemptsLearningCurve()
    {
        var (store, campaignId) = await StoreWithCampaignAsync();
        var first = await ClaimOneAsync(store, campaignId);
        Assert.True(await store.ReportEpochsAsync(first.Lease, [(0, Metrics(0.9))], Ct));
        Assert.True(await store.ReportEpochsAsync(first.Lease, [(1, new Dictionary<string, double> { ["val_auc"] = double.NaN })], Ct));

        var curve = await store.GetEpochMetricsAsync(first.Trial.Id, Ct);
        Assert.Equal([0, 1], curve.Select(e => e.Epoch));
        Assert.Equal(0.9, curve[0].Metrics["val_loss"]);
        Assert.True(double.IsNaN(curve[1].Metrics["val_auc"]));
        Assert.All(curve, e => Assert.Equal((first.Trial.Id, 1, Clock.GetUtcNow()), (e.TrialId, e.Attempt, e.RecordedAt)));

        Assert.True(await store.FailTrialAsync(first.Lease, "diverged", retryable: true, Ct));
        var second = await ClaimOneAsync(store, campaignId, "silo-b");
        Assert.True(await store.ReportEpochsAsync(second.Lease, [(0, Metrics(0.5))], Ct));

        var retried = Assert.Single(await store.GetEpochMetricsAsync(first.Trial.Id, Ct));
        Assert.Equal((2, 0.5), (retried.Attempt, retried.Metrics["val_loss"]));
    }

    [Fact]
    public async Task ReportEpochs_StoresABatchInOneFencedWrite()
    {
        var (store, campaignId) = await StoreWithCampaignAsync(trials: 1, maxAttempts: 3);
        var stale = await ClaimOneAsync(store, campaignId, "silo-a");
        Assert.True(await store.ReportEpochsAsync(stale.Lease, [(0, Metrics(0.9)), (1, Metrics(0.8)), (1, Metrics(0.7))], Ct));

        var curve = await store.GetEpochMetricsAsync(stale.Trial.Id, Ct);
        Assert.Equal([(0, 0.9), (1, 0.7)], curve.Select(e => (e.Epoch, e.Metrics["val_loss"])));

        await ExpireLeasesAsync(store);
        var current = await ClaimOneAsync(store, campaignId, "silo-b");
        // A superseded attempt's batch is refused whole: none of its epochs lands in the new attempt's curve.
        Assert.False(await store.ReportEpochsAsync(stale.Lease, [(2, Metrics(0.6)), (3, Metrics(0.5))], Ct));
        Assert.Empty(await store.GetEpochMetricsAsync(current.Trial.Id, Ct));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ReportEpochsAsync(current.Lease, [(0, Metrics(1)), (-1, Metrics(1))], Ct));
        Assert.Empty(await store.GetEpochMetricsAsync(current.Trial.Id, Ct));
        Assert.True(await store.ReportEpochsAsync(current.Lease, [(0, Metrics(0.4))], Ct));
        var stored = Assert.Single(await store.GetEpochMetricsAsync(current.Trial.Id, Ct));
        Assert.Equal((2, 0, 0.4), (stored.Attempt, stored.Epoch, stored.Metrics["val_loss"]));
    }

    [Fact]
    public async Task Complete_StoresTheOutcomeAndCompletesTheCampaignWithItsLastTrial()
    {
        var (store, campaignId) = await StoreWithCampaignAsync(trials: 2);
        var claimed = await store.ClaimTrialsAsync(campaignId, "silo-a", 2, Lease, Ct);
        var outcomes = new[] { Outcome(0.25f), Outcome(0.5f) };

        Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(await store.CompleteTrialAsync(claimed[1].Lease, outcomes[1], Ct));
        Assert.Equal(CampaignState.Running, (await store.GetCampaignAsync(campaignId, Ct))!.State);
        Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(await store.CompleteTrialAsync(claimed[0].Lease, outcomes[0], Ct));

        var campaign = await store.GetCampaignAsync(campaignId, Ct);
        Assert.Equal((CampaignState.Completed, Clock.GetUtcNow(), (string?)null), (campaign!.State, campaign.FinishedAt, campaign.Error));
        Assert.Equal(new CampaignProgress(0, 0, 2, 0, 0, 0), await store.GetProgressAsync(campaignId, Ct));

        var predictions = await store.GetPredictionsAsync(campaignId, Ct);
        Assert.Equal([0, 1], predictions.Select(p => p.Index));
        for (var i = 0; i < 2; i++)
        {
            var trial = claimed[i].Trial;
            Assert.Equal(trial.Id, predictions[i].TrialId);
            Assert.Equal(outcomes[i].TestPredictions, predictions[i].TestPredictions);
            Assert.Equal(1, predictions[i].PredictionWidth);
            Assert.Equal(outcomes[i].FinalMetrics, await store.GetFinalMetricsAsync(trial.Id, Ct));
            var model = await store.GetModelAsync(trial.Id, Ct);
            Assert.Equal((trial.Id, outcomes[i].ModelJson), (model!.TrialId, model.Json));
            Assert.Equal(outcomes[i].ModelWeights, model.Weights);

            var stored = await store.GetTrialAsync(trial.Id, Ct);
            Assert.Equal((TrialState.Completed, (DateTimeOffset?)null), (stored!.State, stored.LeaseExpiresAt));
            Assert.NotNull(stored.FinishedAt);
            Assert.Equal(AttemptOutcome.Completed, Assert.Single(await store.GetAttemptsAsync(trial.Id, Ct)).Outcome);
        }
    }

    [Fact]
    public async Task EndedTrial_IsReadWithItsCampaign_AndItsFinalMetricsOnlyOnceCompleted()
    {
        var store = await NewStoreAsync();
        var campaignId = await store.CreateCampaignAsync(Campaign(), Trials(2), Ct);
        var other = await store.CreateCampaignAsync(Campaign("other"), Trials(1), Ct);
        var completed = await ClaimOneAsync(store, campaignId);
        var failed = await ClaimOneAsync(store, campaignId);
        Assert.True(await store.CompleteTrialAsync(completed.Lease, Outcome(), Ct));
        Assert.True(await store.FailTrialAsync(failed.Lease, "diverged", retryable: false, Ct));

        var ended = await store.GetEndedTrialAsync(campaignId, completed.Trial.Id, Ct);
        Assert.Equal(await store.GetCampaignAsync(campaignId, Ct), ended!.Campaign);
        Assert.Equal(await store.GetTrialAsync(completed.Trial.Id, Ct), ended.Trial);
        Assert.Equal(Outcome().FinalMetrics, ended.FinalMetrics);
        var failedEnd = await store.GetEndedTrialAsync(campaignId, failed.Trial.Id, Ct);
        Assert.Equal((CampaignState.Completed, TrialState.Failed), (failedEnd!.Campaign.State, failedEnd.Trial!.State));
        Assert.Null(failedEnd.FinalMetrics);
        var elsewhere = await store.GetEndedTrialAsync(other, completed.Trial.Id, Ct);
        Assert.Equal(other, elsewhere!.Campaign.Id);
        Assert.Null(elsewhere.Trial);
        Assert.Null(await store.GetEndedTrialAsync(campaignId + other + 1, completed.Trial.Id, Ct));
    }

    [Fact]
    public async Task Complete_RefusesPredictionsThatDoNotCoverTheTestRows()
    {
        var (store, campaignId) = await StoreWithCampaignAsync();
        var claimed = await ClaimOneAsync(store, campaignId);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.CompleteTrialAsync(claimed.Lease, Outcome(testRows: 2), Ct));

        Assert.Contains("TestPredictions", error.Message);
        Assert.Equal(TrialState.Running, (await store.GetTrialAsync(claimed.Trial.Id, Ct))!.State);
        Assert.Null(await store.GetModelAsync(claimed.Trial.Id, Ct));
        Assert.Null(await store.GetFinalMetricsAsync(claimed.Trial.Id, Ct));
    }

    [Fact]
    public async Task Predictions_IncludeOnlyCompletedTrials()
    {
        var (store, campaignId) = await StoreWithCampaignAsync(trials: 2);
        var claimed = await store.ClaimTrialsAsync(campaignId, "silo-a", 2, Lease, Ct);
        Assert.True(await store.CompleteTrialAsync(claimed[1].Lease, Outcome(), Ct));

        Assert.Equal([1], (await store.GetPredictionsAsync(campaignId, Ct)).Select(p => p.Index));
    }

    // Failures and retries -----------------------------------------------------------------------

    [Fact]
    public async Task Fail_RetryableRequeuesUntilAttemptsAreSpentThenFailsTheCampaign()
    {
        var (store, campaignId) = await StoreWithCampaignAsync(trials: 1, maxAttempts: 2);
        var first = await ClaimOneAsync(store, campaignId, "silo-a");

        Assert.True(await store.FailTrialAsync(first.Lease, "NaN loss at epoch 3", retryable: true, Ct));
        var requeued = await store.GetTrialAsync(first.Trial.Id, Ct);
        Assert.Equal((TrialState.Queued, 1, (string?)null, "NaN loss at epoch 3"), (requeued!.State, requeued.Attempt, requeued.Owner, requeued.Error));
        Assert.Equal(CampaignState.Running, (await store.GetCampaignAsync(campaignId, Ct))!.State);

        var second = await ClaimOneAsync(store, campaignId, "silo-b");
        Assert.Equal(2, second.Lease.Attempt);
        Assert.True(await store.FailTrialAsync(second.Lease, "out of memory", retryable: true, Ct));

        var failed = await store.GetTrialAsync(first.Trial.Id, Ct);
        Assert.Equal((TrialState.Failed, 2, "out of memory"), (failed!.State, failed.Attempt, failed.Error));
        Assert.NotNull(failed.FinishedAt);
        var campaign = await store.GetCampaignAsync(campaignId, Ct);
        Assert.Equal((CampaignState.Failed, "all 1 trials failed: out of memory"), (campaign!.State, campaign.Error));
        Assert.NotNull(campaign.FinishedAt);

        var attempts = await store.GetAttemptsAsync(first.Trial.Id, Ct);
        Assert.Equal(
            [(1, "silo-a", AttemptOutcome.Failed, "NaN loss at epoch 3"), (2, "silo-b", AttemptOutcome.Failed, "out of memory")],
            attempts.Select(a => (a.Attempt, a.SiloId, a.Outcome!.Value, a.Error!)));
        Assert.All(attempts, a => Assert.NotNull(a.EndedAt));
    }

    [Fact]
    public async Task Fail_NotRetryableFailsAtOnce_AndTheCampaignCompletesWithItsOtherTrial()
    {
        var (store, campaignId) = await StoreWithCampaignAsync(trials: 2, maxAttempts: 3);
        var claimed = await store.ClaimTrialsAsync(campaignId, "silo-a", 2, Lease, Ct);

        Assert.True(await store.FailTrialAsync(claimed[0].Lease, "bad parameters", retryable: false, Ct));
        Assert.Equal(TrialState.Failed, (await store.GetTrialAsync(claimed[0].Trial.Id, Ct))!.State);
        Assert.True(await store.CompleteTrialAsync(claimed[1].Lease, Outcome(), Ct));

        Assert.Equal(CampaignState.Completed, (await store.GetCampaignAsync(campaignId, Ct))!.State);
        Assert.Equal(new CampaignProgress(0, 0, 1, 0, 1, 0), await store.GetProgressAsync(campaignId, Ct));
    }

    [Fact]
    public async Task Release_RequeuesWithoutSpendingAnAttempt()
    {
        var (store, campaignId) = await StoreWithCampaignAsync(trials: 1, maxAttempts: 2);
        var first = await ClaimOneAsync(store, campaignId, "draining");
        Assert.True(await store.ReleaseTrialAsync(first.Lease, Ct));
        var released = await store.GetTrialAsync(first.Trial.Id, Ct);
        Assert.Equal((TrialState.Queued, (string?)null), (released!.State, released.Owner));

        var second = await ClaimOneAsync(store, campaignId, "silo-b");
        Assert.Equal(2, second.Lease.Attempt);
        Assert.True(await store.FailTrialAsync(second.Lease, "flaky", retryable: true, Ct));

        // Two attempts ran but only one failed, so one retry of the two allowed remains.
        Assert.Equal(TrialState.Queued, (await store.GetTrialAsync(first.Trial.Id, Ct))!.State);
        Assert.Equal([AttemptOutcome.Released, AttemptOutcome.Failed],
            (await store.GetAttemptsAsync(first.Trial.Id, Ct)).Select(a => a.Outcome!.Value));
    }

    // Leases -------------------------------------------------------------------------------------

    [Fact]
    public async Task RenewLeases_ExtendsOnlyTheSilosOwnTrials()
    {
        var (store, campaignId) = await StoreWithCampaignAsync(trials: 2);
        var mine = await ClaimOneAsync(store, campaignId, "silo-a");
        var theirs = await ClaimOneAsync(store, campaignId, "silo-b");

        Clock.Advance(TimeSpan.FromSeconds(20));
        NothingToDo(await store.RenewLeasesAsync("silo-a", [mine.Trial.Id], Lease, Ct));
        Assert.Equal(Clock.GetUtcNow() + Lease, (await store.GetTrialAsync(mine.Trial.Id, Ct))!.LeaseExpiresAt);
        Clock.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal([campaignId], await store.RecoverExpiredLeasesAsync(Clock.GetUtcNow(), Ct));
        Assert.Equal(TrialState.Running, (await store.GetTrialAsync(mine.Trial.Id, Ct))!.State);
        Assert.Equal(TrialState.Queued, (await store.GetTrialAsync(theirs.Trial.Id, Ct))!.State);
        NothingToDo(await store.RenewLeasesAsync("unknown-silo", [], Lease, Ct));
    }

    [Fact]
    public async Task RenewLeases_ExtendsOnlyTheTrialsTheSiloNames_AndReturnsTheOthersItHoldsAsStray()
    {
        var (store, campaignId) = await StoreWithCampaignAsync(trials: 2, maxAttempts: 1);
        var started = await ClaimOneAsync(store, campaignId, "silo-a");
        // Claimed for silo-a by a grain whose answer never reached it.
        var unanswered = await ClaimOneAsync(store, campaignId, "silo-a");
        var claimedAt = Clock.GetUtcNow();

        Clock.Advance(TimeSpan.FromSeconds(20));
        var renewal = await store.RenewLeasesAsync("silo-a", [started.Trial.Id], Lease, Ct);

        Assert.Empty(renewal.Lost);
        Assert.Equal([new StrayTrial(campaignId, unanswered.Lease)], renewal.Stray);
        Assert.Equal(Clock.GetUtcNow() + Lease, (await store.GetTrialAsync(started.Trial.Id, Ct))!.LeaseExpiresAt);
        Assert.Equal(claimedAt + Lease, (await store.GetTrialAsync(unanswered.Trial.Id, Ct))!.LeaseExpiresAt);

        // Given back, the stray spends no attempt: with one allowed, the trial can still be claimed and completed.
        Assert.True(await store.ReleaseTrialAsync(unanswered.Lease, Ct));
        NothingToDo(await store.RenewLeasesAsync("silo-a", [started.Trial.Id], Lease, Ct));
        var again = await ClaimOneAsync(store, campaignId, "silo-b");
        Assert.Equal(new TrialLease(unanswered.Trial.Id, 2, "silo-b"), again.Lease);
        Assert.True(await store.CompleteTrialAsync(again.Lease, Outcome(), Ct));
        Assert.Equal([AttemptOutcome.Released, AttemptOutcome.Completed],
            (await store.GetAttemptsAsync(unanswered.Trial.Id, Ct)).Select(a => a.Outcome!.Value));
    }

    private static void NothingToDo(LeaseRenewal renewal)
    {
        Assert.Empty(renewal.Lost);
        Assert.Empty(renewal.Stray);
    }

    [Fact]
    public async Task LeaseExpiry_RequeuesTheTrialForItsNextAttemptAndTellsTheOldOwner()
    {
        var (store, campaignId) = await StoreWithCampaignAsync(trials: 1, maxAttempts: 2);
        var first = await ClaimOneAsync(store, campaignId, "silo-a");

        Clock.Advance(Lease);
        Assert.Empty(await store.RecoverExpiredLeasesAsync(Clock.GetUtcNow(), Ct));
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([campaignId], await store.RecoverExpiredLeasesAsync(Clock.GetUtcNow(), Ct));

        var requeued = await store.GetTrialAsync(first.Trial.Id, Ct);
        Assert.Equal((TrialState.Queued, (string?)null, (DateTimeOffset?)null), (requeued!.State, requeued.Owner, requeued.LeaseExpiresAt));
        Assert.Contains("silo-a", requeued.Error);
        var expired = Assert.Single(await store.GetAttemptsAsync(first.Trial.Id, Ct));
        Assert.Equal(AttemptOutcome.Expired, expired.Outcome);

        Assert.Equal([first.Trial.Id], (await store.RenewLeasesAsync("silo-a", [first.Trial.Id], Lease, Ct)).Lost);
        Assert.Empty((await store.RenewLeasesAsync("silo-a", [first.Trial.Id], Lease, Ct)).Lost);

        var second = await ClaimOneAsync(store, campaignId, "silo-b");
        Assert.Equal(new TrialLease(first.Trial.Id, 2, "silo-b"), second.Lease);
        Assert.True(await store.CompleteTrialAsync(second.Lease, Outcome(), Ct));
        Assert.Equal(CampaignState.Completed, (await store.GetCampaignAsync(campaignId, Ct))!.State);
    }

    [Fact]
    public async Task LeaseExpiry_OnTheLastAttemptFailsTheTrialWithTheReason()
    {
        var (store, campaignId) = await StoreWithCampaignAsync(trials: 1, maxAttempts: 1);
        var claimed = await ClaimOneAsync(store, campaignId, "silo-a");

        await ExpireLeasesAsync(store);

        var failed = await store.GetTrialAsync(claimed.Trial.Id, Ct);
        Assert.Equal(TrialState.Failed, failed!.State);
        Assert.Contains("lease expired", failed.Error);
        Assert.Contains("silo-a", failed.Error);
        var campaign = await store.GetCampaignAsync(campaignId, Ct);
        Assert.Equal(CampaignState.Failed, campaign!.State);
        Assert.Contains("lease expired", campaign.Error);
    }

    // Fencing ------------------------------------------------------------------------------------

    [Fact]
    public async Task Fencing_RefusesEveryWriteOfASupersededAttempt()
    {
        var (store, campaignId) = await StoreWithCampaignAsync(trials: 1, maxAttempts: 3);
        var stale = await ClaimOneAsync(store, campaignId, "silo-a");
        await ExpireLeasesAsync(store);

        // Requeued but not yet claimed again: the old attempt is already over.
        Assert.False(await store.ReportEpochsAsync(stale.Lease, [(0, Metrics(1))], Ct));

        var current = await ClaimOneAsync(store, campaignId, "silo-b");
        Assert.False(await store.ReportEpochsAsync(stale.Lease, [(1, Metrics(1))], Ct));
        Assert.False(await store.CompleteTrialAsync(stale.Lease, Outcome(0.75f), Ct));
        Assert.False(await store.FailTrialAsync(stale.Lease, "late failure", retryable: true, Ct));
        Assert.False(await store.ReleaseTrialAsync(stale.Lease, Ct));
        // Same attempt number, other silo: not the owner either.
        Assert.False(await store.ReportEpochsAsync(stale.Lease with { Attempt = current.Lease.Attempt }, [(1, Metrics(1))], Ct));

        var trial = await store.GetTrialAsync(current.Trial.Id, Ct);
        Assert.Equal((TrialState.Running, 2, "silo-b"), (trial!.State, trial.Attempt, trial.Owner));
        Assert.Empty(await store.GetEpochMetricsAsync(current.Trial.Id, Ct));
        Assert.Null(await store.GetFinalMetricsAsync(current.Trial.Id, Ct));

        Assert.True(await store.ReportEpochsAsync(current.Lease, [(0, Metrics(0.4))], Ct));
        Assert.True(await store.CompleteTrialAsync(current.Lease, Outcome(0.25f), Ct));
        Assert.Equal(0.5 + 0.25, (await store.GetFinalMetricsAsync(current.Trial.Id, Ct))!["auc"]);
        Assert.False(await store.ReportEpochsAsync(current.Lease, [(1, Metrics(0.3))], Ct));
    }

    // Cancel and fail a campaign -----------------------------------------------------------------

    [Fact]
    public async Task Cancel_QueuedCampaignCancelsItsTrials()
    {
        var (store, campaignId) = await StoreWithCampaignAsync(trials: 2);

        Assert.True(await store.CancelCampaignAsync(campaignId, Ct));

        var campaign = await store.GetCampaignAsync(campaignId, Ct);
        Assert.Equal((CampaignState.Cancelled, Clock.GetUtcNow()), (campaign!.State, campaign.FinishedAt));
        Assert.Equal(new CampaignProgress(0, 0, 0, 0, 0, 2), await store.GetProgressAsync(campaignId, Ct));
        Assert.Empty(await store.ClaimTrialsAsync(campaignId, "silo-a", 2, Lease, Ct));
        Assert.False(await store.CancelCampaignAsync(campaignId, Ct));
    }

    [Fact]
    public async Task Cancel_RunningCampaignFencesOutItsSilos()
    {
        var (store, campaignId) = await StoreWithCampaignAsync(trials: 2);
        var running = await ClaimOneAsync(store, campaignId, "silo-a");

        Assert.True(await store.CancelCampaignAsync(campaignId, Ct));

        Assert.Equal(TrialState.Cancelled, (await store.GetTrialAsync(running.Trial.Id, Ct))!.State);
        Assert.Equal(new CampaignProgress(0, 0, 0, 0, 0, 2), await store.GetProgressAsync(campaignId, Ct));
        Assert.False(await store.ReportEpochsAsync(running.Lease, [(0, Metrics(1))], Ct));
        Assert.False(await store.CompleteTrialAsync(running.Lease, Outcome(), Ct));
        Assert.Equal([running.Trial.Id], (await store.RenewLeasesAsync("silo-a", [running.Trial.Id], Lease, Ct)).Lost);
        Assert.Equal(AttemptOutcome.Cancelled, Assert.Single(await store.GetAttemptsAsync(running.Trial.Id, Ct)).Outcome);
        Assert.Equal(CampaignState.Cancelled, (await store.GetCampaignAsync(campaignId, Ct))!.State);
    }

    [Fact]
    public async Task FailCampaign_EndsItWithTheReasonAndCancelsItsOpenTrials()
    {
        var (store, campaignId) = await StoreWithCampaignAsync(trials: 3);
        var claimed = await store.ClaimTrialsAsync(campaignId, "silo-a", 2, Lease, Ct);
        Assert.True(await store.CompleteTrialAsync(claimed[0].Lease, Outcome(), Ct));
        const string reason = "dataset /data/demo.csv changed: expected sha256 aaaa, found bbbb";

        await store.FailCampaignAsync(campaignId, reason, Ct);

        var campaign = await store.GetCampaignAsync(campaignId, Ct);
        Assert.Equal((CampaignState.Failed, reason), (campaign!.State, campaign.Error));
        Assert.NotNull(campaign.FinishedAt);
        var trials = await store.GetTrialsAsync(campaignId, Ct);
        Assert.Equal([TrialState.Completed, TrialState.Cancelled, TrialState.Cancelled], trials.Select(t => t.State));
        Assert.All(trials.Skip(1), t => Assert.Contains(reason, t.Error));
        Assert.False(await store.FailTrialAsync(claimed[1].Lease, "late", retryable: true, Ct));

        // An ended campaign keeps its ending.
        await store.FailCampaignAsync(campaignId, "another reason", Ct);
        Assert.Equal(reason, (await store.GetCampaignAsync(campaignId, Ct))!.Error);
        Assert.False(await store.CancelCampaignAsync(campaignId, Ct));
    }

    [Fact]
    public async Task FailCampaign_LeavesACompletedCampaignCompleted()
    {
        var (store, campaignId) = await StoreWithCampaignAsync(trials: 1);
        Assert.True(await store.CompleteTrialAsync((await ClaimOneAsync(store, campaignId)).Lease, Outcome(), Ct));

        await store.FailCampaignAsync(campaignId, "too late", Ct);

        var campaign = await store.GetCampaignAsync(campaignId, Ct);
        Assert.Equal((CampaignState.Completed, (string?)null), (campaign!.State, campaign.Error));
    }

    // Dead silos and resumption ---------------------------------------------------------------

    [Fact]
    public async Task Delete_RemovesAnEndedCampaignAndEverythingOfIt_AndLeavesTheOthers()
    {
        var store = await NewStoreAsync();
        var doomed = await store.CreateCampaignAsync(Campaign("doomed"), Trials(2), Ct);
        var kept = await store.CreateCampaignAsync(Campaign("kept"), Trials(1), Ct);
        var claims = await store.ClaimTrialsAsync(doomed, "silo-a", 2, Lease, Ct);
        Assert.True(await store.ReportEpochsAsync(claims[0].Lease, [(1, Metrics(0.9)), (2, Metrics(0.8))], Ct));
        Assert.True(await store.CompleteTrialAsync(claims[0].Lease, Outcome(), Ct));
        Assert.True(await store.FailTrialAsync(claims[1].Lease, "boom", retryable: false, Ct));
        var keptClaim = await ClaimOneAsync(store, kept);
        Assert.True(await store.CompleteTrialAsync(keptClaim.Lease, Outcome(0.5f), Ct));
        Assert.Equal(CampaignState.Completed, (await store.GetCampaignAsync(doomed, Ct))!.State);

        Assert.Equal(CampaignDeletion.Deleted, await store.DeleteCampaignAsync(doomed, Ct));

        Assert.Null(await store.GetCampaignAsync(doomed, Ct));
        Assert.Equal([kept], (await store.ListCampaignsAsync(Ct)).Select(c => c.Id));
        Assert.Empty(await store.GetTrialsAsync(doomed, Ct));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.GetTestSetAsync(doomed, Ct));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.GetProgressAsync(doomed, Ct));
        Assert.Empty(await store.GetPredictionsAsync(doomed, Ct));
        Assert.Empty(await store.GetCurvesAsync(doomed, Ct));
        Assert.Empty(await store.GetFinalMetricsOfCampaignAsync(doomed, Ct));
        foreach (var claim in claims)
        {
            Assert.Null(await store.GetTrialAsync(claim.Trial.Id, Ct));
            Assert.Empty(await store.GetAttemptsAsync(claim.Trial.Id, Ct));
            Assert.Empty(await store.GetEpochMetricsAsync(claim.Trial.Id, Ct));
            Assert.Null(await store.GetFinalMetricsAsync(claim.Trial.Id, Ct));
            Assert.Null(await store.GetModelAsync(claim.Trial.Id, Ct));
        }
        Assert.NotNull(await store.GetModelAsync(keptClaim.Trial.Id, Ct));
        Assert.Single(await store.GetPredictionsAsync(kept, Ct));
        Assert.Equal(Campaign("kept").TestSet.RowIndices, (await store.GetTestSetAsync(kept, Ct)).RowIndices);
        Assert.Equal(CampaignDeletion.NotFound, await store.DeleteCampaignAsync(doomed, Ct));
        Assert.Equal(CampaignDeletion.NotFound, await store.DeleteCampaignAsync(404, Ct));
    }

    [Fact]
    public async Task Delete_LeavesAQueuedOrRunningCampaignAlone_UntilItIsCancelled_AndItsSilosLateWritesAreRefused()
    {
        var store = await NewStoreAsync();
        var queued = await store.CreateCampaignAsync(Campaign("queued"), Trials(1), Ct);
        var running = await store.CreateCampaignAsync(Campaign("running"), Trials(2), Ct);
        var claimed = await ClaimOneAsync(store, running);

        Assert.Equal(CampaignDeletion.NotEnded, await store.DeleteCampaignAsync(queued, Ct));
        Assert.Equal(CampaignDeletion.NotEnded, await store.DeleteCampaignAsync(running, Ct));
        Assert.Equal(new CampaignProgress(1, 1, 0, 0, 0, 0), await store.GetProgressAsync(running, Ct));

        Assert.True(await store.CancelCampaignAsync(running, Ct));
        Assert.Equal(CampaignDeletion.Deleted, await store.DeleteCampaignAsync(running, Ct));

        Assert.False(await store.ReportEpochsAsync(claimed.Lease, [(1, Metrics(0.5))], Ct));
        Assert.False(await store.CompleteTrialAsync(claimed.Lease, Outcome(), Ct));
        Assert.False(await store.FailTrialAsync(claimed.Lease, "late", retryable: true, Ct));
        NothingToDo(await store.RenewLeasesAsync("silo-a", [claimed.Trial.Id], Lease, Ct));
        Assert.Empty(await store.ClaimTrialsAsync(running, "silo-a", 2, Lease, Ct));
        Assert.Equal([queued], (await store.ListCampaignsAsync(Ct)).Select(c => c.Id));
    }

    [Fact]
    public async Task TrialOwners_ListTheSilosHoldingRunningTrials()
    {
        var (store, campaignId) = await StoreWithCampaignAsync(trials: 4);
        Assert.Empty(await store.ListTrialOwnersAsync(Ct));
        var early = Clock.GetUtcNow();
        await store.ClaimTrialsAsync(campaignId, "silo-b", 2, Lease, Ct);
        Clock.Advance(TimeSpan.FromSeconds(3));
        var done = await ClaimOneAsync(store, campaignId, "silo-a");
        await ClaimOneAsync(store, campaignId, "silo-b");
        Assert.True(await store.CompleteTrialAsync(done.Lease, Outcome(), Ct));

        Assert.Equal([new TrialOwner("silo-b", 3, early)], await store.ListTrialOwnersAsync(Ct));
    }

    [Fact]
    public async Task RecoverSiloTrials_RequeuesTheDeadSilosTrialsAtOnce_AndFencesOutTheSilo()
    {
        var store = await NewStoreAsync();
        var first = await store.CreateCampaignAsync(Campaign("first", maxAttempts: 2), Trials(2), Ct);
        var second = await store.CreateCampaignAsync(Campaign("second", maxAttempts: 1), Trials(1), Ct);
        var dead = await store.ClaimTrialsAsync(first, "dead", 2, Lease, Ct);
        var lastChance = await ClaimOneAsync(store, second, "dead");
        var alive = await store.CreateCampaignAsync(Campaign("alive"), Trials(1), Ct);
        var survivor = await ClaimOneAsync(store, alive, "alive");

        var moved = await store.RecoverSiloTrialsAsync(["dead", "never-seen"], "silo 'dead' was declared dead by the cluster", Ct);

        Assert.Equal([first, second], moved);
        Assert.All(await store.GetTrialsAsync(first, Ct), t => Assert.Equal((TrialState.Queued, (string?)null), (t.State, t.Owner)));
        var failed = Assert.Single(await store.GetTrialsAsync(second, Ct));
        Assert.Equal((TrialState.Failed, "silo 'dead' was declared dead by the cluster"), (failed.State, failed.Error));
        Assert.Equal(CampaignState.Failed, (await store.GetCampaignAsync(second, Ct))!.State);
        Assert.Equal(TrialState.Running, (await store.GetTrialAsync(survivor.Trial.Id, Ct))!.State);
        var attempt = Assert.Single(await store.GetAttemptsAsync(dead[0].Trial.Id, Ct));
        Assert.Equal((AttemptOutcome.Expired, "silo 'dead' was declared dead by the cluster"), (attempt.Outcome, attempt.Error));

        // The dead silo, come back, may write nothing, and learns which trials it lost.
        Assert.False(await store.ReportEpochsAsync(dead[0].Lease, [(0, Metrics(1))], Ct));
        Assert.False(await store.CompleteTrialAsync(lastChance.Lease, Outcome(), Ct));
        Assert.Equal([dead[0].Trial.Id, dead[1].Trial.Id, lastChance.Trial.Id],
            (await store.RenewLeasesAsync("dead", [dead[0].Trial.Id, dead[1].Trial.Id, lastChance.Trial.Id], Lease, Ct)).Lost);
        Assert.Empty(await store.RecoverSiloTrialsAsync(["dead"], "again", Ct));
        Assert.Empty(await store.ClaimTrialsAsync(first, "dead", 2, Lease, Ct));

        var retried = await store.ClaimTrialsAsync(first, "alive", 2, Lease, Ct);
        Assert.Equal([2, 2], retried.Select(c => c.Lease.Attempt));
    }

    [Fact]
    public async Task OpenCampaigns_AreListedOldestFirst_AndFoundByTheirSubmissionKey()
    {
        var store = await NewStoreAsync();
        var done = await store.CreateCampaignAsync(Campaign("same"), Trials(1), Ct);
        Assert.True(await store.CompleteTrialAsync((await ClaimOneAsync(store, done)).Lease, Outcome(), Ct));
        Clock.Advance(TimeSpan.FromSeconds(1));
        var open = await store.CreateCampaignAsync(Campaign("same"), Trials(1), Ct);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var other = await store.CreateCampaignAsync(Campaign("other"), Trials(1), Ct);
        await ClaimOneAsync(store, other);

        Assert.Equal([open, other], (await store.ListOpenCampaignsAsync(Ct)).Select(c => c.Id));
        Assert.Equal(open, (await store.FindOpenCampaignAsync("key-same", Ct))?.Id);
        Assert.Null(await store.FindOpenCampaignAsync("key-unknown", Ct));
        Assert.True(await store.CancelCampaignAsync(open, Ct));
        Assert.Null(await store.FindOpenCampaignAsync("key-same", Ct));
        Assert.Equal("binary", (await store.GetCampaignAsync(open, Ct))!.Task);
    }

    [Fact]
    public async Task Complete_RepeatedByTheAttemptThatCompleted_IsAcknowledgedAndChangesNothing()
    {
        var (store, campaignId) = await StoreWithCampaignAsync(trials: 1);
        var claimed = await ClaimOneAsync(store, campaignId);
        Assert.True(await store.CompleteTrialAsync(claimed.Lease, Outcome(0.25f), Ct));

        Assert.True(await store.CompleteTrialAsync(claimed.Lease, Outcome(0.75f), Ct));
        Assert.False(await store.CompleteTrialAsync(claimed.Lease with { SiloId = "other" }, Outcome(0.75f), Ct));

        Assert.Equal(0.75, (await store.GetFinalMetricsAsync(claimed.Trial.Id, Ct))!["auc"]);
        Assert.Equal(AttemptOutcome.Completed, Assert.Single(await store.GetAttemptsAsync(claimed.Trial.Id, Ct)).Outcome);
    }

    // Searches: open-ended campaigns, pruning, curves ----------------------------------------------

    [Fact]
    public async Task AnOpenEndedCampaign_StartsEmpty_TakesTrialsAsItGoes_AndEndsOnlyOnceSealed()
    {
        var store = await NewStoreAsync();
        var id = await store.CreateCampaignAsync(Campaign("search") with { OpenEnded = true }, [], Ct);
        Assert.Equal(new CampaignProgress(0, 0, 0, 0, 0, 0), await store.GetProgressAsync(id, Ct));

        var added = await store.AddTrialsAsync(id, [new NewTrial(0, """{"lr":0.1}""", 1, 2, AttributesJson: """{"sobol:index":"0"}""")], Ct);
        Assert.Equal([(0, TrialState.Queued, """{"lr":0.1}""", """{"sobol:index":"0"}""")], added.Select(t => (t.Index, t.State, t.ParamsJson, t.AttributesJson)));
        Assert.True(await store.CompleteTrialAsync((await ClaimOneAsync(store, id)).Lease, Outcome(), Ct));
        Assert.Equal(CampaignState.Running, (await store.GetCampaignAsync(id, Ct))!.State);

        await store.AddTrialsAsync(id, [new NewTrial(1, "{}", 3, 4)], Ct);
        var second = await ClaimOneAsync(store, id);
        Assert.False(await store.SealCampaignAsync(id, Ct));
        Assert.Empty(await store.AddTrialsAsync(id, [new NewTrial(2, "{}", 5, 6)], Ct));
        Assert.True(await store.CompleteTrialAsync(second.Lease, Outcome(), Ct));

        Assert.Equal(CampaignState.Completed, (await store.GetCampaignAsync(id, Ct))!.State);
        Assert.True(await store.SealCampaignAsync(id, Ct));
        Assert.Equal(2, (await store.GetTrialsAsync(id, Ct)).Count);
    }

    [Fact]
    public async Task AddTrials_RefusesATakenIndex_AndAClosedCampaignGetsNone()
    {
        var store = await NewStoreAsync();
        var search = await store.CreateCampaignAsync(Campaign("search") with { OpenEnded = true }, [new NewTrial(0, "{}", 1, 2)], Ct);
        var ensemble = await store.CreateCampaignAsync(Campaign("ensemble"), Trials(1), Ct);

        var taken = await Assert.ThrowsAsync<ArgumentException>(() => store.AddTrialsAsync(search, [new NewTrial(0, "{}", 1, 2)], Ct));
        Assert.Contains("index 0", taken.Message);
        Assert.Empty(await store.AddTrialsAsync(ensemble, [new NewTrial(5, "{}", 1, 2)], Ct));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.AddTrialsAsync(404, [new NewTrial(0, "{}", 1, 2)], Ct));
        Assert.False(await store.SealCampaignAsync(search, Ct));
        Assert.Single(await store.GetTrialsAsync(search, Ct));
    }

    [Fact]
    public async Task Prune_EndsTheTrialAtItsStepWithTheReason_KeepsItsCurve_AndIsFenced()
    {
        var store = await NewStoreAsync();
        var id = await store.CreateCampaignAsync(Campaign("search") with { OpenEnded = true }, Trials(2), Ct);
        var claims = await store.ClaimTrialsAsync(id, "silo-a", 2, Lease, Ct);
        Assert.True(await store.ReportEpochsAsync(claims[0].Lease, [(1, Metrics(0.9)), (2, Metrics(0.8))], Ct));
        Assert.True(await store.CompleteTrialAsync(claims[1].Lease, Outcome(), Ct));

        Assert.False(await store.PruneTrialAsync(claims[0].Lease with { SiloId = "other" }, 2, "worse", Ct));
        Assert.True(await store.PruneTrialAsync(claims[0].Lease, 2, "val_loss 0.8 at epoch 2 is worse than the median 0.5", Ct));

        var pruned = await store.GetTrialAsync(claims[0].Trial.Id, Ct);
        Assert.Equal((TrialState.Pruned, 2, "val_loss 0.8 at epoch 2 is worse than the median 0.5"), (pruned!.State, pruned.PrunedStep, pruned.Error));
        Assert.Equal(AttemptOutcome.Pruned, Assert.Single(await store.GetAttemptsAsync(pruned.Id, Ct)).Outcome);
        Assert.False(await store.ReportEpochsAsync(claims[0].Lease, [(3, Metrics(0.7))], Ct));
        var curves = await store.GetCurvesAsync(id, Ct);
        Assert.Equal([(claims[0].Trial.Id, 1), (claims[0].Trial.Id, 2)], curves.Select(e => (e.TrialId, e.Epoch)));
        Assert.Equal([claims[1].Trial.Id], (await store.GetFinalMetricsOfCampaignAsync(id, Ct)).Keys);
        Assert.Equal(0.75, (await store.GetFinalMetricsOfCampaignAsync(id, Ct))[claims[1].Trial.Id]["auc"]);

        Assert.True(await store.SealCampaignAsync(id, Ct));
        Assert.Equal(CampaignState.Completed, (await store.GetCampaignAsync(id, Ct))!.State);
    }

    [Fact]
    public async Task GpuTrials_KeepTheGpusTheyAskFor_AndEachAttemptTheDevicesItRanOn_Fenced()
    {
        var store = await NewStoreAsync();
        var id = await store.CreateCampaignAsync(Campaign(),
            [new NewTrial(0, "{}", 1, 101, Slots: 2, Gpus: 2), new NewTrial(1, "{}", 2, 102)], Ct);
        var added = await store.AddTrialsAsync((await store.CreateCampaignAsync(Campaign("search") with { OpenEnded = true }, [], Ct)),
            [new NewTrial(0, "{}", 3, 103, Gpus: 1)], Ct);
        Assert.Equal(1, Assert.Single(added).Gpus);

        var claims = (await store.ClaimTrialsAsync(id, "silo-a", 3, Lease, Ct)).OrderBy(c => c.Trial.Index).ToList();

        Assert.Equal([2, 0], claims.Select(c => c.Trial.Gpus));
        Assert.True(await store.RecordAttemptGpusAsync(claims[0].Lease, [3, 1], Ct));
        Assert.False(await store.RecordAttemptGpusAsync(claims[0].Lease with { SiloId = "silo-b" }, [0], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.RecordAttemptGpusAsync(claims[0].Lease, [1, 1], Ct));
        Assert.True(await store.FailTrialAsync(claims[0].Lease, "out of GPU memory", retryable: true, Ct));
        var retry = Assert.Single(await store.ClaimTrialsAsync(id, "silo-b", 2, Lease, Ct));
        Assert.True(await store.RecordAttemptGpusAsync(retry.Lease, [0, 1], Ct));

        Assert.Equal([("silo-a", "3,1"), ("silo-b", "0,1")],
            (await store.GetAttemptsAsync(claims[0].Trial.Id, Ct)).Select(a => (a.SiloId, a.GpuDevices)));
        Assert.Null(Assert.Single(await store.GetAttemptsAsync(claims[1].Trial.Id, Ct)).GpuDevices);
        Assert.Equal(2, (await store.GetTrialAsync(claims[0].Trial.Id, Ct))!.Gpus);
    }

    // Concurrency --------------------------------------------------------------------------------

    [Fact]
    public async Task Claims_FromTwoInstancesOnManyThreads_NeverHandOutATrialTwice()
    {
        var first = await NewStoreAsync();
        var second = await OpenAnotherInstanceAsync(first, Clock);
        _stores.Add(second);
        const int trialCount = 120;
        var campaignId = await first.CreateCampaignAsync(Campaign(), Trials(trialCount), Ct);

        var claims = new ConcurrentBag<(long TrialId, string Silo)>();
        var workers = Enumerable.Range(0, 6).Select(worker => Task.Run(async () =>
        {
            var store = worker % 2 == 0 ? first : second;
            var silo = $"silo-{worker}";
            while (true)
            {
                var claimed = await store.ClaimTrialsAsync(campaignId, silo, 1 + (worker % 3), Lease, Ct);
                if (claimed.Count == 0) return;
                foreach (var trial in claimed)
                {
                    claims.Add((trial.Trial.Id, silo));
                    Assert.True(await store.CompleteTrialAsync(trial.Lease, Outcome(), Ct));
                }
            }
        }, Ct)).ToArray();
        await Task.WhenAll(workers);

        Assert.Equal(trialCount, claims.Count);
        Assert.Equal(trialCount, claims.Select(c => c.TrialId).Distinct().Count());
        Assert.Equal(new CampaignProgress(0, 0, trialCount, 0, 0, 0), await second.GetProgressAsync(campaignId, Ct));
        Assert.Equal(CampaignState.Completed, (await first.GetCampaignAsync(campaignId, Ct))!.State);
    }
}
