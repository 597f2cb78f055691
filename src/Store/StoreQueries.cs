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
        var trials = await store.GetTrialsAsync(campaignId, ct).ConfigureAwait(false);
        var epochs = (await store.GetCurvesAsync(campaignId, ct).ConfigureAwait(false)).CountBy(e => e.TrialId).ToDictionary();
        var training = trials
            .Where(t => t is { State: TrialState.Completed, StartedAt: not null, FinishedAt: not null })
            .Select(t => new MemberTraining(t.Index, t.Id, epochs.GetValueOrDefault(t.Id), t.FinishedAt!.Value - t.StartedAt!.Value))
            .ToList();
        return new CampaignResultsData(
            campaign,
            CampaignProgress.Of(trials),
            await store.GetTestSetAsync(campaignId, ct).ConfigureAwait(false),
            await store.GetPredictionsAsync(campaignId, ct).ConfigureAwait(false),
            training);
    }

    /// <param name="members">The member indices wanted; null for every completed member.</param>
    /// <returns>Null when no campaign has that id.</returns>
    public static async Task<CampaignModels?> ModelsAsync(IFarmStore store, long campaignId, IReadOnlyCollection<int>? members,
        CancellationToken ct = default)
    {
        if (await store.GetCampaignAsync(campaignId, ct).ConfigureAwait(false) is not { } campaign) return null;
        var trials = await store.GetTrialsAsync(campaignId, ct).ConfigureAwait(false);
        var models = new List<MemberModel>();
        foreach (var trial in trials.Where(t => t.State == TrialState.Completed && (members is null || members.Contains(t.Index))).OrderBy(t => t.Index))
        {
            if (await store.GetModelAsync(trial.Id, ct).ConfigureAwait(false) is { } model)
                models.Add(new MemberModel(trial.Index, trial.Id, model.Weights, model.Json));
        }
        return new CampaignModels(campaign, trials, models);
    }

    /// <returns>Null when no campaign has that id.</returns>
    public static async Task<CampaignCurves?> CurvesAsync(IFarmStore store, long campaignId, CancellationToken ct = default)
    {
        if (await store.GetCampaignAsync(campaignId, ct).ConfigureAwait(false) is not { } campaign) return null;
        return new CampaignCurves(
            campaign,
            await store.GetTrialsAsync(campaignId, ct).ConfigureAwait(false),
            await store.GetCurvesAsync(campaignId, ct).ConfigureAwait(false),
            await store.GetFinalMetricsOfCampaignAsync(campaignId, ct).ConfigureAwait(false));
    }
}
