using System.Runtime.CompilerServices;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;

namespace EnsembleFarm.Client.Connection;

/// <summary>
/// A store read directly, when no farm is running: campaigns, their status and results can be read long after the silos
/// are gone, and an ended campaign deleted. Anything that needs a farm (submitting, cancelling, following a campaign that has not ended) is refused
/// with how to start one.
/// </summary>
public sealed class StoreConnection(IFarmStore store, string whyOffline) : IFarmConnection
{
    public string Description => $"the store {store.Location}";

    public Task<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken ct) => throw NoFarm("submit a campaign");

    public Task<IReadOnlyList<CampaignListing>> ListAsync(CancellationToken ct) => StoreQueries.ListAsync(store, ct);

    public Task<CampaignStatus?> StatusAsync(long campaignId, CancellationToken ct) => StoreQueries.StatusAsync(store, campaignId, ct);

    public Task<CampaignResultsData?> ResultsDataAsync(long campaignId, CancellationToken ct) => StoreQueries.ResultsAsync(store, campaignId, ct);

    public Task<CampaignModels?> ModelsAsync(long campaignId, IReadOnlyList<int>? members, CancellationToken ct) =>
        StoreQueries.ModelsAsync(store, campaignId, members, ct);

    public Task<CampaignCurves?> CurvesAsync(long campaignId, CancellationToken ct) => StoreQueries.CurvesAsync(store, campaignId, ct);

    /// <summary>With no farm running, no grain caches the campaign: the store alone decides.</summary>
    public Task<CampaignDeletion> DeleteAsync(long campaignId, CancellationToken ct) => store.DeleteCampaignAsync(campaignId, ct);

    public Task<bool> CancelAsync(long campaignId, CancellationToken ct) => throw NoFarm("cancel a campaign");

    public Task<IReadOnlyList<SiloReport>> SilosAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<SiloReport>>([]);

    public async IAsyncEnumerable<CampaignUpdate> WatchAsync(long campaignId, Action<string> onNote, [EnumeratorCancellation] CancellationToken ct)
    {
        var status = await StoreQueries.StatusAsync(store, campaignId, ct) ?? throw FarmCli.NotFound(campaignId);
        yield return new CampaignUpdate(status.Campaign, status.Progress, 0, null, status.Campaign.HasEnded ? null : "no farm is running");
        if (!status.Campaign.HasEnded) throw NoFarm($"follow campaign {campaignId}, which cannot progress until a farm runs");
    }

    public ValueTask DisposeAsync() => store.DisposeAsync();

    private FarmCliException NoFarm(string what) =>
        new(FarmExitCodes.FarmUnreachable, $"error: cannot {what}: {whyOffline}. {FarmConnector.HowToStart}");
}
