namespace EnsembleFarm.AppHost;

/// <summary>
/// How many silos the local farm starts and how many slots each gets. Every trial of the built-in trainer
/// uses <c>training.threads</c> threads, so the machine holds cores / threads trials at once. They are
/// spread over two silos when there are at least two slots: one silo per core would waste memory on a big
/// machine, while two keep the farm's cluster behaviour (shared claims, leases) at work even locally.
/// </summary>
public static class FarmSizing
{
    public const int MaxSilos = 2;

    /// <summary>The slots of each silo to start (one entry per silo).</summary>
    public static IReadOnlyList<int> SlotsPerSilo(int cores, int threadsPerTrial)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cores, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threadsPerTrial, 1);
        var totalSlots = Math.Max(1, cores / threadsPerTrial);
        var silos = Math.Min(MaxSilos, totalSlots);
        return Enumerable.Range(0, silos).Select(i => totalSlots / silos + (i < totalSlots % silos ? 1 : 0)).ToArray();
    }
}
