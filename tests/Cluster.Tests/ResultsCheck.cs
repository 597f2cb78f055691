using System.Text.Json.Nodes;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.Store;
using EnsembleFarm.Models;

namespace EnsembleFarm.Cluster.Tests;

/// <summary>Checks what <c>farm results --json</c> printed against the aggregator run directly on the store's predictions.</summary>
internal static class ResultsCheck
{
    public static async Task AssertResultsMatchStoreAsync(ClusterWorkspace workspace, IFarmStore store, long campaignId)
    {
        var results = await workspace.FarmAsync("results", campaignId.ToString(), "--json");
        Assert.True(results.ExitCode == 0, $"farm results failed ({results.ExitCode}): {results.StandardError}");

        var ct = TestContext.Current.CancellationToken;
        var predictions = await store.GetPredictionsAsync(campaignId, ct);
        var expected = EnsembleAggregator.Aggregate(TaskKind.Binary, 2, await store.GetTestSetAsync(campaignId, ct), predictions);

        var printed = JsonNode.Parse(results.StandardOutput);
        var direct = JsonNode.Parse(expected.ToJson());
        Assert.True(JsonNode.DeepEquals(direct, printed), $"farm results --json differs from the aggregator on the stored predictions:{Environment.NewLine}{results.StandardOutput}");
    }
}
