namespace EnsembleFarm.Store;

/// <summary>queued → running → completed | failed | cancelled.</summary>
public enum CampaignState { Queued, Running, Completed, Failed, Cancelled }
