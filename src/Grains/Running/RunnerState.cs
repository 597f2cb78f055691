namespace EnsembleFarm.Grains.Running;

/// <summary>Where a silo's trial runner is in its life (what the silo's readiness reports).</summary>
public enum RunnerState
{
    /// <summary>The silo has not joined the cluster yet.</summary>
    Starting,

    /// <summary>Taking trials.</summary>
    Running,

    /// <summary>Stopping: finishing or giving back what it runs, taking nothing new.</summary>
    Draining,

    /// <summary>Its store cannot be used; the silo is stopping.</summary>
    StoreLost,
}
