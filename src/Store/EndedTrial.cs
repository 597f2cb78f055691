namespace EnsembleFarm.Store;

/// <summary>What a campaign's grain reads when one of its trials has ended, from one read of the store.</summary>
/// <param name="Trial">The trial; null when it is not one of the campaign's.</param>
/// <param name="FinalMetrics">The trial's final metrics when it completed; null otherwise.</param>
public sealed record EndedTrial(CampaignRecord Campaign, TrialRecord? Trial, IReadOnlyDictionary<string, double>? FinalMetrics);
