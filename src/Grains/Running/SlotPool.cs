namespace EnsembleFarm.Grains.Running;

/// <summary>
/// The silo's slots of one kind and which are taken: CPU slots by name (cpu0, …), or GPU places by device id, where a
/// GPU that takes several trials at once (<c>--trials-per-gpu</c>) is in the pool once per trial. A trial gets named
/// slots (not just a count) so that a trainer can be pinned to them: a GPU's id in CUDA_VISIBLE_DEVICES. The slots of
/// one trial are always distinct, so a trial needing two GPUs never gets one GPU twice. Thread-safe.
/// </summary>
internal sealed class SlotPool<T>(IEnumerable<T> slots)
    where T : notnull
{
    private readonly Lock _lock = new();
    private readonly List<T> _free = [.. slots];

    public int Free
    {
        get
        {
            lock (_lock) return _free.Count;
        }
    }

    /// <summary>The free slots now (a slot shared by several trials as often as it has room).</summary>
    public IReadOnlyList<T> FreeSlots
    {
        get
        {
            lock (_lock) return [.. _free];
        }
    }

    /// <summary>Takes <paramref name="count"/> distinct slots, those with the most room first (a shared GPU fills up last).</summary>
    public IReadOnlyList<T> Take(int count)
    {
        lock (_lock)
        {
            var taken = Distinct(_free, count);
            if (taken.Count < count)
                throw new InvalidOperationException($"{count} distinct slots requested but only {taken.Count} are free.");
            foreach (var slot in taken) _free.Remove(slot);
            return taken;
        }
    }

    public void Return(IReadOnlyList<T> slots)
    {
        lock (_lock) _free.AddRange(slots);
    }

    /// <summary>How many trials needing <paramref name="perTrial"/> distinct slots each the free slots <paramref name="free"/> can hold.</summary>
    public static int Fit(IEnumerable<T> free, int perTrial)
    {
        if (perTrial <= 0) return int.MaxValue;
        var room = free.GroupBy(s => s).Select(g => g.Count()).ToList();
        var trials = 0;
        // Greedy on the slots with the most room: optimal for distinct picks from a multiset.
        while (room.Count(r => r > 0) >= perTrial)
        {
            room = [.. room.OrderByDescending(r => r)];
            for (var i = 0; i < perTrial; i++) room[i]--;
            trials++;
        }
        return trials;
    }

    private static List<T> Distinct(List<T> free, int count) =>
        [.. free.GroupBy(s => s).OrderByDescending(g => g.Count()).ThenBy(g => free.IndexOf(g.Key)).Select(g => g.Key).Take(count)];
}
