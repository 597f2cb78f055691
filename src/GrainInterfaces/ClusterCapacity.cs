namespace EnsembleFarm.GrainInterfaces;

/// <summary>The live silos as the dispatcher knows them.</summary>
/// <param name="LargestSilo">The most slots one silo has: a trial needing more can never run.</param>
/// <param name="Unreported">Silos the cluster lists as active that have not reported their slots yet (just started).</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record ClusterCapacity(int Silos, int Slots, int LargestSilo, int Unreported)
{
    /// <summary>Why a trial needing <paramref name="slotsPerTrial"/> slots cannot start anywhere, or null if some silo can hold it.</summary>
    public string? WhyNot(int slotsPerTrial)
    {
        if (Silos == 0) return Unreported > 0 ? null : "no live silo";
        if (slotsPerTrial > LargestSilo && Unreported == 0)
            return $"a trial needs {slotsPerTrial} slots and the largest live silo has {LargestSilo}";
        return null;
    }
}
