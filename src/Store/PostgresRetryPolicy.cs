namespace EnsembleFarm.Store;

/// <summary>
/// How long the PostgreSQL store keeps trying through a lost connection or a restarting server before it reports the
/// server unreachable: waits of <see cref="FirstDelay"/>, doubling up to <see cref="MaxDelay"/>, until
/// <see cref="GiveUpAfter"/> has passed since the operation began.
/// </summary>
public sealed record PostgresRetryPolicy
{
    /// <exception cref="ArgumentOutOfRangeException">
    /// A delay is not positive, <paramref name="maxDelay"/> is shorter than <paramref name="firstDelay"/>, or
    /// <paramref name="giveUpAfter"/> is longer than <see cref="Longest"/>.
    /// </exception>
    public PostgresRetryPolicy(TimeSpan firstDelay, TimeSpan maxDelay, TimeSpan giveUpAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(firstDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, firstDelay);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(giveUpAfter, Longest);
        FirstDelay = firstDelay;
        MaxDelay = maxDelay;
        GiveUpAfter = giveUpAfter;
    }

    /// <summary>
    /// The longest <see cref="GiveUpAfter"/> allowed: the store keeps its operations' results for an hour so that a retry
    /// can find a lost commit's, and a retry must end well within that.
    /// </summary>
    public static TimeSpan Longest { get; } = TimeSpan.FromMinutes(10);

    // After Longest, which its constructor reads: static initialisers run in the order they are written.
    /// <summary>50 ms doubling to 5 s, for 30 s: a server restart or fail-over is ridden out, a dead server is reported soon.</summary>
    public static PostgresRetryPolicy Default { get; } = new(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30));

    public TimeSpan FirstDelay { get; }

    public TimeSpan MaxDelay { get; }

    public TimeSpan GiveUpAfter { get; }
}
