namespace EnsembleFarm.Store;

/// <summary>queued → running → completed | pruned | failed | cancelled; a retry puts a trial back to queued with a new attempt.</summary>
public enum TrialState { Queued, Running, Completed, Pruned, Failed, Cancelled }
