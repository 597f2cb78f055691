namespace EnsembleFarm.Store;

/// <summary>
/// How long the PostgreSQL store keeps trying through a lost connection or a restarting server before it reports the
/// server unreachable: waits of <paramref name="FirstDelay"/>, doubling up to <paramref name="MaxDelay"/>, until
/// <paramref name="GiveUpAfter"/> has passed since the operation began.
/// </summary>
public sealed record PostgresRetryPolicy(TimeSpan FirstDelay, TimeSpan MaxDelay, TimeSpan GiveUpAfter)
{
    /// <summary>50 ms doubling to 5 s, for 30 s: a server restart or fail-over is ridden out, a dead server is reported soon.</summary>
    public static PostgresRetryPolicy Default { get; } = new(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30));

    /// <summary>The longest <see cref="GiveUpAfter"/> allowed: the store forgets its operations' outcomes an hour later (see docs/store.md).</summary>
    public static TimeSpan Longest { get; } = TimeSpan.FromMinutes(10);
}
