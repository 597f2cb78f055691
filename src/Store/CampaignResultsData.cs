namespace EnsembleFarm.Store;

/// <summary>What an ensemble's results are computed from: the test part and the completed members' predictions on it.</summary>
/// <param name="Training">How each completed member trained, in member index order.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record CampaignResultsData(
    CampaignRecord Campaign,
    CampaignProgress Progress,
    CampaignTestSet TestSet,
    IReadOnlyList<TrialPredictions> Predictions,
    IReadOnlyList<MemberTraining> Training);
