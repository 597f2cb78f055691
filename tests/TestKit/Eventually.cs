namespace EnsembleFarm.TestKit;

/// <summary>Waits for a condition that a distributed system reaches in its own time, failing with what was awaited.</summary>
public static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out after {timeout.TotalSeconds:F0} s waiting for {what}");
            await Task.Delay(50);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> probe, TimeSpan timeout, string what) =>
        await ValueAsync(async () => await probe() ? "" : null, timeout, what);

    public static Task TrueAsync(Func<bool> probe, TimeSpan timeout, string what) => TrueAsync(() => Task.FromResult(probe()), timeout, what);
}
