namespace EnsembleFarm.Store;

/// <summary>A trial handed to a silo by a claim, with what it needs to run it.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record ClaimedTrial(TrialRecord Trial, CampaignRecord Campaign, TrialLease Lease);
