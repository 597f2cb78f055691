namespace EnsembleFarm.Domain.Prediction;

/// <summary>One member's stored model, as the store keeps it (safetensors weights and model.json text), with its place in the ensemble.</summary>
public sealed record ExportedMember(int Index, long TrialId, byte[] Weights, string Json);
