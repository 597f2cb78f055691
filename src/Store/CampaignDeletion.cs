namespace EnsembleFarm.Store;

/// <summary>What <see cref="IFarmStore.DeleteCampaignAsync"/> did.</summary>
public enum CampaignDeletion
{
    /// <summary>The campaign and everything of it are gone.</summary>
    Deleted,

    /// <summary>No campaign has that id (never had, or deleted already).</summary>
    NotFound,

    /// <summary>The campaign is queued or running, so silos may still write about it: nothing was deleted; cancel it first.</summary>
    NotEnded,
}
