namespace EnsembleFarm.GrainInterfaces;

/// <summary>The live silos as the dispatcher knows them.</summary>
/// <param name="LargestSilo">The most slots one silo has: a trial needing more can never run.</param>
/// <param name="Unreported">Silos the cluster lists as active that have not reported their slots yet (just started).</param>
/// <param name="Commands">The trainer command aliases some live silo allows.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record ClusterCapacity(int Silos, int Slots, int LargestSilo, int Unreported, IReadOnlyList<string>? Commands = null)
{
    /// <summary>Why no silo can run a campaign whose trainer is command <paramref name="alias"/>, or null if one can (or one has not reported yet).</summary>
    public string? WhyNotCommand(string alias)
    {
        if (Unreported > 0 || Silos == 0 || (Commands ?? []).Contains(alias, StringComparer.OrdinalIgnoreCase)) return null;
        var allowed = Commands is { Count: > 0 } some ? $"the live silos allow: {string.Join(", ", some)}" : "the live silos allow no trainer command";
        return $"no live silo allows trainer command '{alias}' ({allowed}); an operator allows it in a silo's configuration, " +
            $"EnsembleFarm:Silo:Commands:{alias} (environment variable EnsembleFarm__Silo__Commands__{alias}) set to the command line to run";
    }

    /// <summary>Why a trial needing <paramref name="slotsPerTrial"/> slots cannot start anywhere, or null if some silo can hold it.</summary>
    public string? WhyNot(int slotsPerTrial)
    {
        if (Silos == 0) return Unreported > 0 ? null : "no live silo";
        if (slotsPerTrial > LargestSilo && Unreported == 0)
            return $"a trial needs {slotsPerTrial} slots and the largest live silo has {LargestSilo}";
        return null;
    }
}
