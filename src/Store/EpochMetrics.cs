namespace EnsembleFarm.Store;

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record EpochMetrics(long TrialId, int Attempt, int Epoch, IReadOnlyDictionary<string, double> Metrics, DateTimeOffset RecordedAt);
