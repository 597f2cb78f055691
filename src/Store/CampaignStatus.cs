namespace EnsembleFarm.Store;

/// <summary>A campaign, the counts of its trials by state and every trial: what <c>farm status</c> shows.</summary>
/// <param name="Waiting">Why its queued trials do not start, as the farm sees it now (null when read from the store alone).</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record CampaignStatus(CampaignRecord Campaign, CampaignProgress Progress, IReadOnlyList<TrialRecord> Trials, string? Waiting = null);
