namespace EnsembleFarm.Store;

/// <summary>
/// A campaign's trials, their learning curves (each trial's current attempt, by trial then epoch) and the final metrics
/// of those that completed, by trial id: what a learning-curve plot and a search's results are drawn from.
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record CampaignCurves(CampaignRecord Campaign, IReadOnlyList<TrialRecord> Trials, IReadOnlyList<EpochMetrics> Epochs,
    IReadOnlyDictionary<long, IReadOnlyDictionary<string, double>> FinalMetrics);
