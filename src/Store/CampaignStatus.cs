namespace EnsembleFarm.Store;

/// <summary>A campaign, the counts of its trials by state and every trial: what <c>farm status</c> shows.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record CampaignStatus(CampaignRecord Campaign, CampaignProgress Progress, IReadOnlyList<TrialRecord> Trials);
