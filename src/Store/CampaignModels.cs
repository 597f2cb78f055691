namespace EnsembleFarm.Store;

/// <summary>A campaign with the stored models of its completed members (those asked for), in member index order: what export and predict run.</summary>
/// <param name="Trials">Every trial of the campaign, so a member asked for but without a model can be told apart by its state.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record CampaignModels(CampaignRecord Campaign, IReadOnlyList<TrialRecord> Trials, IReadOnlyList<MemberModel> Members);
