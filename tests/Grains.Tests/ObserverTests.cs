using System.Collections.Concurrent;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Grains.Tests;

/// <summary>A client that subscribes to a campaign is told of its progress as it happens, to the end.</summary>
public sealed class ObserverTests
{
    private sealed class Recorder : ICampaignObserver
    {
        public ConcurrentQueue<CampaignUpdate> Updates { get; } = new();

        public Task OnUpdateAsync(CampaignUpdate update)
        {
            Updates.Enqueue(update);
            return Task.CompletedTask;
        }
    }

    [Fact(Timeout = 240_000)]
    public async Task ASubscribedClient_IsToldOfEveryCompletion_UntilTheCampaignEnds()
    {
        await using var farm = await InProcessFarm.StartAsync(silos: 1, slotsPerSilo: 1);
        var gate = new TaskCompletionSource();
        farm.Trainer.Behaviour = async (_, ct) =>
        {
            await gate.Task.WaitAsync(ct);
            await Task.Delay(30, ct);
        };
        var id = await farm.SubmitAsync(members: 5);
        var recorder = new Recorder();
        var reference = farm.Cluster.Client.CreateObjectReference<ICampaignObserver>(recorder);

        var now = await farm.Cluster.Client.GetGrain<ICampaignGrain>(id).SubscribeAsync(reference);
        gate.SetResult();
        await Eventually.TrueAsync(() => recorder.Updates.Any(u => u.Campaign.HasEnded), TimeSpan.FromSeconds(30), "the final update");

        Assert.NotNull(now);
        Assert.Equal(0, now.Progress.Completed);
        // Delivery may swap two pushes; their sequence says which is later.
        List<int> completedCounts = [now.Progress.Completed, .. recorder.Updates.OrderBy(u => u.Sequence).Select(u => u.Progress.Completed)];
        Assert.True(recorder.Updates.All(u => u.Sequence > now.Sequence));
        Assert.Equal(completedCounts.Order(), completedCounts);
        Assert.Equal([0, 1, 2, 3, 4, 5], completedCounts.Distinct());
        var last = recorder.Updates.MaxBy(u => u.Sequence)!;
        Assert.Equal((CampaignState.Completed, 5), (last.Campaign.State, last.Progress.Completed));
        Assert.Contains(recorder.Updates, u => u is { Campaign.HasEnded: false, Remaining: not null, LiveSlots: 1 });
        Assert.Null(await farm.Cluster.Client.GetGrain<ICampaignGrain>(404).SubscribeAsync(reference));
    }
}
