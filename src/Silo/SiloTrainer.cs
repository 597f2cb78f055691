namespace EnsembleFarm.Silo;

/// <summary>What trains this silo's trials.</summary>
public enum SiloTrainer
{
    /// <summary>The farm's dense-network trainer, in process.</summary>
    BuiltIn,

    /// <summary>Nothing: trials end at once (for measuring the farm's own costs).</summary>
    None,
}
