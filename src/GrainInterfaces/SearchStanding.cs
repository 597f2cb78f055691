namespace EnsembleFarm.GrainInterfaces;

/// <summary>Where a search stands, for a watcher: its trial budget and the best value of its first objective so far.</summary>
/// <param name="Best">Null until a trial completed with a value for every objective.</param>
/// <param name="BestTrial">The number of the trial that holds <paramref name="Best"/>.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record SearchStanding(int Budget, string Metric, double? Best, int? BestTrial);
