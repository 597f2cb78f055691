using System.Runtime.CompilerServices;
using System.Threading.Channels;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;
using Microsoft.Extensions.Hosting;

namespace EnsembleFarm.Client.Connection;

/// <summary>A running farm, through the Orleans client: no database file or credentials needed.</summary>
/// <param name="host">The client's host, disposed with the connection; null when the client belongs to someone else (tests).</param>
public sealed class ClusterConnection(IClusterClient client, string description, IHost? host = null) : IFarmConnection
{
    /// <summary>How long a subscription is renewed before it would lapse.</summary>
    private static readonly TimeSpan Renewal = CampaignUpdate.SubscriptionLifetime / 4;

    /// <summary>How long the farm may stay unreachable while a campaign is followed before the watcher gives up.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    public string Description => description;

    private IFarmGrain Farm => client.GetGrain<IFarmGrain>(0);

    public Task<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken ct) => Farm.SubmitAsync(request).WaitAsync(ct);

    public Task<IReadOnlyList<CampaignListing>> ListAsync(CancellationToken ct) => Farm.ListCampaignsAsync().WaitAsync(ct);

    public Task<CampaignStatus?> StatusAsync(long campaignId, CancellationToken ct) => Farm.GetStatusAsync(campaignId).WaitAsync(ct);

    public Task<CampaignResultsData?> ResultsDataAsync(long campaignId, CancellationToken ct) => Farm.GetResultsDataAsync(campaignId).WaitAsync(ct);

    public Task<CampaignModels?> ModelsAsync(long campaignId, IReadOnlyList<int>? members, CancellationToken ct) =>
        Farm.GetModelsAsync(campaignId, members).WaitAsync(ct);

    public Task<CampaignCurves?> CurvesAsync(long campaignId, CancellationToken ct) => Farm.GetCurvesAsync(campaignId).WaitAsync(ct);

    public Task<CampaignDeletion> DeleteAsync(long campaignId, CancellationToken ct) => Farm.DeleteCampaignAsync(campaignId).WaitAsync(ct);

    public async Task<bool> CancelAsync(long campaignId, CancellationToken ct)
    {
        try
        {
            return await client.GetGrain<ICampaignGrain>(campaignId).CancelAsync().WaitAsync(ct);
        }
        catch (KeyNotFoundException)
        {
            throw FarmCli.NotFound(campaignId);
        }
    }

    public Task<IReadOnlyList<SiloReport>> SilosAsync(CancellationToken ct) => Farm.ListSilosAsync().WaitAsync(ct);

    public async IAsyncEnumerable<CampaignUpdate> WatchAsync(long campaignId, Action<string> onNote, [EnumeratorCancellation] CancellationToken ct)
    {
        var updates = Channel.CreateUnbounded<CampaignUpdate>(new UnboundedChannelOptions { SingleReader = true });
        var observer = new Observer(updates.Writer);
        var reference = client.CreateObjectReference<ICampaignObserver>(observer);
        var campaign = client.GetGrain<ICampaignGrain>(campaignId);
        try
        {
            var current = await SubscribeAsync(campaign, reference, onNote, ct) ?? throw FarmCli.NotFound(campaignId);
            yield return current;
            while (!current.Campaign.HasEnded)
            {
                using var renewal = CancellationTokenSource.CreateLinkedTokenSource(ct);
                renewal.CancelAfter(Renewal);
                CampaignUpdate? next = null;
                try
                {
                    next = await updates.Reader.ReadAsync(renewal.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // Renew: the grain forgets subscribers that go quiet, and it may have moved to another silo meanwhile.
                    next = await SubscribeAsync(campaign, reference, onNote, ct);
                }
                // An update that overtook this one in delivery already said more.
                if (next is null || next.Sequence < current.Sequence) continue;
                current = next;
                yield return current;
            }
        }
        finally
        {
            client.DeleteObjectReference<ICampaignObserver>(reference);
            // Orleans holds a local observer weakly: without this, it could be collected mid-watch and its updates dropped.
            GC.KeepAlive(observer);
        }
    }

    /// <summary>Subscribes, retrying while the farm is unreachable (a silo restarting), for up to <see cref="Patience"/>.</summary>
    private static async Task<CampaignUpdate?> SubscribeAsync(ICampaignGrain campaign, ICampaignObserver reference, Action<string> onNote, CancellationToken ct)
    {
        var giveUp = DateTime.UtcNow + Patience;
        var told = false;
        while (true)
        {
            try
            {
                return await campaign.SubscribeAsync(reference).WaitAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException && DateTime.UtcNow < giveUp)
            {
                if (!told) onNote($"the farm does not answer ({e.Message}); retrying for up to {Patience.TotalMinutes:0} minutes");
                told = true;
                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new FarmCliException(FarmExitCodes.FarmUnreachable, $"error: lost the farm: {e.Message}", e);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (host is null) return;
        await host.StopAsync(TimeSpan.FromSeconds(5));
        host.Dispose();
    }

    private sealed class Observer(ChannelWriter<CampaignUpdate> updates) : ICampaignObserver
    {
        public Task OnUpdateAsync(CampaignUpdate update)
        {
            updates.TryWrite(update);
            return Task.CompletedTask;
        }
    }
}
