namespace EnsembleFarm.Grains.Running;

/// <summary>What a stopping silo does with the trials it still runs.</summary>
public enum DrainMode
{
    /// <summary>Finish them within the drain timeout, then give back what is left.</summary>
    Finish,

    /// <summary>Give them back at once: another silo runs them from the start, without spending an attempt.</summary>
    Release,
}
