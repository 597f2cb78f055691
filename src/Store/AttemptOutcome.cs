namespace EnsembleFarm.Store;

/// <summary>How one attempt of a trial ended.</summary>
public enum AttemptOutcome
{
    Completed,
    Failed,

    /// <summary>Given back unfinished by a draining silo; does not count against the retry limit.</summary>
    Released,

    /// <summary>Its silo died (declared dead by the cluster, or stopped renewing the lease); counts against the retry limit.</summary>
    Expired,

    /// <summary>Its campaign was cancelled or failed while it ran.</summary>
    Cancelled,

    /// <summary>Stopped by its search's pruner: its learning curve did not promise enough.</summary>
    Pruned,
}
