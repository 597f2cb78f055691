namespace EnsembleFarm.Store;

/// <summary>A completed member's model as stored (safetensors weights and model.json), with its place in the campaign.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record MemberModel(int Index, long TrialId, byte[] Weights, string Json);
