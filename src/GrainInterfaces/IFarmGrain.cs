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

    /// <summary>The silos of the cluster with their slots and what they run.</summary>
    Task<IReadOnlyList<SiloReport>> ListSilosAsync();
}
