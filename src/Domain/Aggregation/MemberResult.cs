namespace EnsembleFarm.Domain.Aggregation;

/// <summary>One member scored on its own, by member index (its trial for reference).</summary>
public sealed record MemberResult(int Index, long TrialId, IReadOnlyDictionary<string, double?> Metrics);
