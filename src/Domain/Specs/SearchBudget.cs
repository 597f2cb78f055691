namespace EnsembleFarm.Domain.Specs;

/// <summary>When a search stops asking for new trials: whichever limit it reaches first.</summary>
/// <param name="Trials">How many trials in all, enqueued ones included.</param>
/// <param name="TimeLimit">Wall-clock time from the campaign's start after which no new trial starts; null: none.</param>
/// <param name="Parallelism">At most this many trials queued or running at once; null: as many as the farm has slots for.</param>
/// <param name="StopAfterNoImprovement">
/// Stop once this many trials have completed in a row without beating the best (one objective only); null: never.
/// </param>
public sealed record SearchBudget(int Trials, TimeSpan? TimeLimit = null, int? Parallelism = null, int? StopAfterNoImprovement = null);
