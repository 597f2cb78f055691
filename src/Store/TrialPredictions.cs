namespace EnsembleFarm.Store;

/// <summary>A completed trial's predictions on its campaign's test rows (row-major, PredictionWidth per row).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record TrialPredictions(long TrialId, int Index, float[] TestPredictions, int PredictionWidth);
