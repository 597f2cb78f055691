namespace EnsembleFarm.Store;

/// <summary>A campaign's trials and their learning curves (each trial's current attempt, by trial then epoch).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record CampaignCurves(CampaignRecord Campaign, IReadOnlyList<TrialRecord> Trials, IReadOnlyList<EpochMetrics> Epochs);
