namespace EnsembleFarm.TestKit;

/// <summary>Waits for a condition that a distributed system reaches in its own time, failing with what was awaited.</summary>
public static class Eventually
{
    private static readonly TimeSpan ProbeGrace = TimeSpan.FromSeconds(5);

    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            // A probe that never answers (a store call stuck behind a lock) fails the wait too, instead of hanging the test.
            var pending = probe();
            var patience = deadline - DateTime.UtcNow;
            using (var giveUp = new CancellationTokenSource(patience > ProbeGrace ? patience : ProbeGrace))
            {
                try
                {
                    if (await pending.WaitAsync(giveUp.Token) is { } value) return value;
                }
                catch (OperationCanceledException) when (!pending.IsCompleted)
                {
                    throw new TimeoutException($"timed out after {timeout.TotalSeconds:F0} s waiting for {what}: its probe did not answer");
                }
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out after {timeout.TotalSeconds:F0} s waiting for {what}");
            await Task.Delay(50);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> probe, TimeSpan timeout, string what) =>
        await ValueAsync(async () => await probe() ? "" : null, timeout, what);

    public static Task TrueAsync(Func<bool> probe, TimeSpan timeout, string what) => TrueAsync(() => Task.FromResult(probe()), timeout, what);
}
