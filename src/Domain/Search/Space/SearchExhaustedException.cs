namespace EnsembleFarm.Domain.Search;

/// <summary>
/// Every point of a finite space (or of a grid) is already taken by a trial: there is nothing new to try.
/// The campaign should stop asking, not retry.
/// </summary>
public sealed class SearchExhaustedException(string message) : Exception(message);
