using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using EnsembleFarm.Store;
using EnsembleFarm.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace EnsembleFarm.AppHost.Tests;

/// <summary>The AppHost's model, run by Aspire's own test host: the farm starts, the campaign runs, its results are stored and printed.</summary>
public sealed class AppHostTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task TheLocalFarm_StartsItsSilo_GeneratesNoData_RunsTheCampaignToTheEnd_AndPrintsAverageVsVote()
    {
        using var folder = new TempFolder();
        var spec = SmallCampaign.Write(folder.Path, members: 4, epochs: 3);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.EnsembleFarm_AppHost>(
            ["--spec", spec, "--store", folder["farm.db"], "--slots", "2"], Ct);
        await using var app = await builder.BuildAsync(Ct);
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        // The data set is there already: nothing generates it.
        Assert.DoesNotContain(app.Services.GetRequiredService<DistributedApplicationModel>().Resources, r => r.Name == "data");

        await app.StartAsync(Ct);
        var finished = await notifications.WaitForResourceAsync("campaign", e => e.Snapshot.State?.Text is "Finished" or "Exited", Ct)
            .WaitAsync(TimeSpan.FromMinutes(8), Ct);

        var logs = await ReadLogsAsync(app, finished.ResourceId);
        Assert.True(finished.Snapshot.ExitCode == 0, $"the campaign runner ended with {finished.Snapshot.ExitCode}:\n{logs}");
        Assert.Contains("campaign 1 completed: 4/4 done", logs);
        Assert.Contains("campaign 1 'small': binary, 4 members", logs);
        Assert.Contains("Ensemble on the test part", logs);
        await using var store = await FarmStoreFactory.OpenAsync(folder["farm.db"], ct: Ct);
        Assert.Equal(4, (await store.GetPredictionsAsync(1, Ct)).Count);
        await app.StopAsync(Ct);
    }

    private static async Task<string> ReadLogsAsync(DistributedApplication app, string resourceId)
    {
        var lines = new List<string>();
        using var enough = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        enough.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await foreach (var batch in app.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(resourceId).WithCancellation(enough.Token))
                lines.AddRange(batch.Select(l => l.Content));
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
        }
        return string.Join('\n', lines);
    }
}
