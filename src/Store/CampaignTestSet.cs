namespace EnsembleFarm.Store;

/// <summary>The held-out test part of a campaign: dataset row indices and their targets (row-major, TargetWidth per row).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record CampaignTestSet(int[] RowIndices, float[] Targets, int TargetWidth, string[]? Ids);
