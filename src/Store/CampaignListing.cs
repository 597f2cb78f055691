namespace EnsembleFarm.Store;

/// <summary>A campaign with the counts of its trials by state: a line of <c>farm list</c>.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record CampaignListing(CampaignRecord Campaign, CampaignProgress Progress);
