namespace EnsembleFarm.Grains.Running;

/// <summary>Why a running trial was stopped before it ended by itself.</summary>
internal enum StopReason
{
    None,

    /// <summary>The attempt is no longer this silo's (superseded after the silo was presumed dead, or its campaign ended): write nothing more.</summary>
    NotOurs,

    /// <summary>The silo drains: give the trial back to the queue.</summary>
    Released,

    /// <summary>The store cannot be used: nothing can be written.</summary>
    StoreLost,

    /// <summary>Its search's pruner stopped it: end it as pruned.</summary>
    Pruned,
}
