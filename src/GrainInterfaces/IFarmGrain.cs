using EnsembleFarm.Store;

namespace EnsembleFarm.GrainInterfaces;

/// <summary>
/// The farm's front door for clients: submissions and reads. Any silo answers (a stateless worker), so reads never
/// queue behind scheduling. Use key 0.
/// </summary>
public interface IFarmGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Checks the spec and its data set (on the silo, which reads the data set where the cluster sees it), plans the
    /// campaign, writes it to the store and starts it; or, with <see cref="SubmitRequest.Resume"/>, finds the
    /// unfinished campaign of the same submission and carries on with it.
    /// </summary>
    Task<SubmitResult> SubmitAsync(SubmitRequest request);

    /// <summary>Every campaign, newest first.</summary>
    Task<IReadOnlyList<CampaignListing>> ListCampaignsAsync();

    /// <returns>Null when no campaign has that id.</returns>
    Task<CampaignStatus?> GetStatusAsync(long campaignId);

    /// <returns>Null when no campaign has that id.</returns>
    Task<CampaignResultsData?> GetResultsDataAsync(long campaignId);

    /// <summary>The stored models of the campaign's completed members (all, or those of <paramref name="members"/>), for export and predictions.</summary>
    /// <param name="members">Member indices; null for all.</param>
    /// <returns>Null when no campaign has that id.</returns>
    Task<CampaignModels?> GetModelsAsync(long campaignId, IReadOnlyList<int>? members);

    /// <summary>The campaign's trials and their learning curves.</summary>
    /// <returns>Null when no campaign has that id.</returns>
    Task<CampaignCurves?> GetCurvesAsync(long campaignId);

    /// <summary>
    /// Deletes an ended campaign from the store (see <see cref="IFarmStore.DeleteCampaignAsync"/>) and deactivates its
    /// campaign grain, whose next activation finds no campaign, so no cached copy of it answers afterwards.
    /// </summary>
    Task<CampaignDeletion> DeleteCampaignAsync(long campaignId);

    /// <summary>The silos of the cluster with their slots and what they run.</summary>
    Task<IReadOnlyList<SiloReport>> ListSilosAsync();
}
