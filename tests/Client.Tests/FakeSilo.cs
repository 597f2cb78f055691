using EnsembleFarm.Store;

namespace EnsembleFarm.Client.Tests;

/// <summary>
/// Plays a silo through the store contract, with made-up predictions: the CLI's commands can then be
/// tested on campaigns in every state without training anything.
/// </summary>
internal sealed class FakeSilo(IFarmStore store, string id)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Claims and completes up to <paramref name="count"/> trials; member i predicts <paramref name="prediction"/>(i, k)
    /// for the k-th value, <paramref name="width"/> values per test row (one for binary, one per class for multi-class).
    /// </summary>
    public async Task CompleteAsync(long campaignId, int count, Func<int, int, float> prediction, int width = 1)
    {
        var ct = TestContext.Current.CancellationToken;
        await store.RegisterSiloAsync(new SiloRecord(id, "test-host", 1, ["cpu0"], SiloState.Active, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow), ct);
        var testRows = (await store.GetTestSetAsync(campaignId, ct)).RowIndices.Length;
        foreach (var claimed in await store.ClaimTrialsAsync(id, count, Lease, ct))
        {
            var predictions = Enumerable.Range(0, testRows * width).Select(k => prediction(claimed.Trial.Index, k)).ToArray();
            var outcome = new TrialOutcome(new Dictionary<string, double> { ["accuracy"] = 0.5 }, predictions, width, [1, 2, 3], "{}");
            Assert.True(await store.CompleteTrialAsync(claimed.Lease, outcome, ct));
        }
    }

    /// <summary>Completes every trial with predictions that differ by member and row.</summary>
    public Task CompleteAllAsync(long campaignId) => CompleteAsync(campaignId, int.MaxValue / 2, Spread);

    /// <summary>Deterministic probabilities in (0, 1) that vary by member and row, so average and vote can disagree.</summary>
    public static float Spread(int member, int row) => (float)((member * 0.37 + row * 0.23) % 1.0 * 0.98 + 0.01);
}
