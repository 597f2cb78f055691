namespace EnsembleFarm.Store;

/// <summary>A silo that holds running trials, as the store sees it: the cluster compares these with its live silos.</summary>
/// <param name="EarliestStart">When the oldest of its running attempts started.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record TrialOwner(string SiloId, int RunningTrials, DateTimeOffset EarliestStart);
