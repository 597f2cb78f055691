namespace EnsembleFarm.Domain.Prediction;

/// <summary>A member in ensemble.json: its index, its trial, and the folder (relative to the manifest) with its model.</summary>
internal sealed record EnsembleManifestMember(int Index, long TrialId, string Folder);
