namespace EnsembleFarm.AppHost;

/// <summary>
/// How many silos the local farm starts and how many slots each gets. A silo's CPU slots stand for cores,
/// and a trial occupies <c>resources.slots</c> of them (by default its <c>training.threads</c>), so the
/// machine runs cores / slots-per-trial trials at once. They are spread over two silos when there are at
/// least two: one silo per trial would waste memory on a big machine, while two keep the farm's cluster
/// behaviour (shared claims, leases, failover) at work even locally.
/// </summary>
public static class FarmSizing
{
    public const int MaxSilos = 2;

    /// <summary>The slots of each silo to start (one entry per silo), each a whole number of trials' worth.</summary>
    public static IReadOnlyList<int> SlotsPerSilo(int cores, int slotsPerTrial)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cores, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(slotsPerTrial, 1);
        // a trial wider than the machine still gets one silo that can hold it (its threads share the cores)
        var trialsAtOnce = Math.Max(1, cores / slotsPerTrial);
        var silos = Math.Min(MaxSilos, trialsAtOnce);
        return Enumerable.Range(0, silos)
            .Select(i => (trialsAtOnce / silos + (i < trialsAtOnce % silos ? 1 : 0)) * slotsPerTrial)
            .ToArray();
    }
}
