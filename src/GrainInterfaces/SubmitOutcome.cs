namespace EnsembleFarm.GrainInterfaces;

public enum SubmitOutcome
{
    /// <summary>A new campaign was written and started.</summary>
    Created,

    /// <summary>An unfinished campaign of the same submission goes on; nothing new was written.</summary>
    Resumed,

    /// <summary>The spec or its data set is wrong; nothing was written.</summary>
    Refused,

    /// <summary>The spec is fine but no silo of the cluster could ever run its trials; nothing was written.</summary>
    CannotRun,
}
