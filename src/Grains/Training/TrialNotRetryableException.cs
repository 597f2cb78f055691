namespace EnsembleFarm.Grains.Training;

/// <summary>
/// A trial that failed deterministically: the same spec and seeds would fail the same way on any silo, so a
/// retry would only spend time. Its message is the trial's error.
/// </summary>
public sealed class TrialNotRetryableException(string message) : Exception(message);
