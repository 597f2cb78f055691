namespace EnsembleFarm.Store;

/// <summary>How a completed member trained: the epochs its completed attempt ran and how long that attempt took.</summary>
/// <param name="Epochs">Epochs stored for the completed attempt (fewer than asked when early stopping ended it).</param>
/// <param name="Duration">From the claim of the completed attempt to its completion: loading the data, training and scoring.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record MemberTraining(int Index, long TrialId, int Epochs, TimeSpan Duration);
