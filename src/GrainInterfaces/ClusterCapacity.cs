namespace EnsembleFarm.GrainInterfaces;

/// <summary>The live silos as the dispatcher knows them.</summary>
/// <param name="LargestSilo">The most slots one silo has: a trial needing more can never run.</param>
/// <param name="Unreported">Silos the cluster lists as active that have not reported their slots yet (just started).</param>
/// <param name="Commands">The trainer command aliases some live silo allows.</param>
/// <param name="Gpus">The GPUs of the live silos.</param>
/// <param name="MostGpus">The most GPUs one silo has: a trial needing more can never run.</param>
/// <param name="MostFreeGpus">The most GPU places free on one silo now.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record ClusterCapacity(int Silos, int Slots, int LargestSilo, int Unreported, IReadOnlyList<string>? Commands = null, int Gpus = 0,
    int MostGpus = 0, int MostFreeGpus = 0)
{
    /// <summary>Why no silo can run a campaign whose trainer is command <paramref name="alias"/>, or null if one can (or one has not reported yet).</summary>
    public string? WhyNotCommand(string alias)
    {
        if (Unreported > 0 || Silos == 0 || (Commands ?? []).Contains(alias, StringComparer.OrdinalIgnoreCase)) return null;
        var allowed = Commands is { Count: > 0 } some ? $"the live silos allow: {string.Join(", ", some)}" : "the live silos allow no trainer command";
        return $"no live silo allows trainer command '{alias}' ({allowed}); an operator allows it in a silo's configuration, " +
            $"EnsembleFarm:Silo:Commands:{alias} (environment variable EnsembleFarm__Silo__Commands__{alias}) set to the command line to run";
    }

    /// <summary>
    /// Why a trial needing <paramref name="slotsPerTrial"/> slots and <paramref name="gpusPerTrial"/> GPUs cannot start
    /// anywhere, ever, or null if some silo could hold it.
    /// </summary>
    public string? WhyNot(int slotsPerTrial, int gpusPerTrial = 0)
    {
        if (Silos == 0) return Unreported > 0 ? null : "no live silo";
        if (Unreported > 0) return null;
        if (slotsPerTrial > LargestSilo) return $"a trial needs {slotsPerTrial} slots and the largest live silo has {LargestSilo}";
        if (gpusPerTrial > MostGpus)
            return MostGpus == 0 ? $"a trial needs {Count(gpusPerTrial, "GPU")} and no live silo has a GPU"
                : $"a trial needs {Count(gpusPerTrial, "GPU")} and the live silo with the most has {MostGpus}";
        return null;
    }

    /// <summary>
    /// Why a queued trial waits: what <see cref="WhyNot"/> says, else that no silo has the GPUs it needs free now; null
    /// when it should start as soon as a silo claims it.
    /// </summary>
    public string? Waiting(int slotsPerTrial, int gpusPerTrial)
    {
        if (WhyNot(slotsPerTrial, gpusPerTrial) is { } never) return never;
        if (gpusPerTrial > 0 && MostFreeGpus < gpusPerTrial)
            return $"needs {Count(gpusPerTrial, "GPU")}, no silo has {(gpusPerTrial == 1 ? "a free GPU" : $"{gpusPerTrial} free")} " +
                $"({Count(Gpus, "GPU")} in the cluster, {(MostFreeGpus > 0 ? "not enough free on one silo" : Gpus switch { 1 => "busy", 2 => "both busy", _ => "all busy" })})";
        return null;
    }

    private static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";
}
