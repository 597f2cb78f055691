namespace EnsembleFarm.GrainInterfaces;

/// <summary>One epoch of a running trial's learning curve, as its silo reports it.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record TrialEpoch(int Epoch, IReadOnlyDictionary<string, double> Metrics);
