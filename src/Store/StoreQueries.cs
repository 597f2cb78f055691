namespace EnsembleFarm.Store;

/// <summary>
/// The reads the client asks for, composed from the store's operations: grains answer them from the store, and the
/// client answers them from the store itself when no farm is running, so both say the same.
/// </summary>
public static class StoreQueries
{
    public static async Task<IReadOnlyList<CampaignListing>> ListAsync(IFarmStore store, CancellationToken ct = default)
    {
        var listings = new List<CampaignListing>();
        foreach (var campaign in await store.ListCampaignsAsync(ct).ConfigureAwait(false))
            listings.Add(new CampaignListing(campaign, await store.GetProgressAsync(campaign.Id, ct).ConfigureAwait(false)));
        return listings;
    }

    /// <returns>Null when no campaign has that id.</returns>
    public static async Task<CampaignStatus?> StatusAsync(IFarmStore store, long campaignId, CancellationToken ct = default)
    {
        if (await store.GetCampaignAsync(campaignId, ct).ConfigureAwait(false) is not { } campaign) return null;
        var trials = await store.GetTrialsAsync(campaignId, ct).ConfigureAwait(false);
        return new CampaignStatus(campaign, CampaignProgress.Of(trials), trials);
    }

    /// <returns>Null when no campaign has that id.</returns>
    public static async Task<CampaignResultsData?> ResultsAsync(IFarmStore store, long campaignId, CancellationToken ct = default)
    {
        if (await store.GetCampaignAsync(campaignId, ct).ConfigureAwait(false) is not { } campaign) return null;
        return new CampaignResultsData(
            campaign,
            await store.GetProgressAsync(campaignId, ct).ConfigureAwait(false),
            await store.GetTestSetAsync(campaignId, ct).ConfigureAwait(false),
            await store.GetPredictionsAsync(campaignId, ct).ConfigureAwait(false));
    }
}
