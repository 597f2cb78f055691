namespace EnsembleFarm.Store;

/// <summary>A completed trial's model: safetensors weights and the JSON that describes them.</summary>
public sealed record StoredModel(long TrialId, byte[] Weights, string Json);
