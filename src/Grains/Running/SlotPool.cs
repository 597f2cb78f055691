namespace EnsembleFarm.Grains.Running;

/// <summary>
/// The silo's slots and which are taken. A trial gets named slots (not just a count) so that a trainer can
/// be pinned to them, e.g. a GPU's id in CUDA_VISIBLE_DEVICES. Thread-safe.
/// </summary>
internal sealed class SlotPool(IReadOnlyList<string> names)
{
    private readonly Lock _lock = new();
    private readonly List<string> _free = [.. names];

    public int Free
    {
        get
        {
            lock (_lock) return _free.Count;
        }
    }

    public IReadOnlyList<string> Take(int count)
    {
        lock (_lock)
        {
            if (count > _free.Count)
                throw new InvalidOperationException($"{count} slots requested but only {_free.Count} are free.");
            var taken = _free.GetRange(0, count);
            _free.RemoveRange(0, count);
            return taken;
        }
    }

    public void Return(IReadOnlyList<string> slots)
    {
        lock (_lock) _free.AddRange(slots);
    }
}
