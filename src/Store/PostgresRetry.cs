using System.Diagnostics;
using Npgsql;

namespace EnsembleFarm.Store;

/// <summary>
/// Runs one unit of work against PostgreSQL, again on a fresh connection after a transient failure (a connection that
/// broke, a server shutting down or starting up, a deadlock), with the waits of a <see cref="PostgresRetryPolicy"/>.
/// The work must be safe to run twice: a try can fail after its commit reached the server.
/// </summary>
internal static class PostgresRetry
{
    public static async Task<T> RunAsync<T>(NpgsqlDataSource dataSource, PostgresRetryPolicy policy, string location,
        Func<NpgsqlConnection, Task<T>> work, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var delay = policy.FirstDelay;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
                return await work(connection).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e) && !ct.IsCancellationRequested)
            {
                // The pool's idle connections died with the one that failed (a server restart ends them all).
                dataSource.Clear();
                var elapsed = Stopwatch.GetElapsedTime(started);
                if (elapsed + delay > policy.GiveUpAfter)
                    throw new FarmStoreException(
                        $"The PostgreSQL server at {location} is unreachable: still failing after {elapsed.TotalSeconds:F0} s of retries " +
                        $"({Describe(e)}).", e);
                await Task.Delay(delay, ct).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, policy.MaxDelay.Ticks));
            }
            catch (NpgsqlException e) when (Unusable(e) is { } reason)
            {
                throw new FarmStoreException($"Cannot use the PostgreSQL store {location}: {reason}.", e);
            }
        }
    }

    /// <summary>Worth another try: the connection or the server failed, not the statement.</summary>
    public static bool IsTransient(Exception e) => e switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
            || postgres.SqlState is "57P01" or "57P02" or "57P03" // admin or crash shutdown, cannot connect now
            || postgres.SqlState is "40001" or "40P01" // serialization failure, deadlock: the transaction was rolled back
            || postgres.IsTransient,
        NpgsqlException npgsql => npgsql.IsTransient,
        _ => false,
    };

    /// <summary>Why a non-transient failure means the store cannot be used at all (rather than a bug in a statement), if it does.</summary>
    private static string? Unusable(NpgsqlException e) => e switch
    {
        PostgresException { SqlState: var state } postgres when state.StartsWith("28", StringComparison.Ordinal) =>
            $"the server refused the login ({postgres.MessageText})",
        PostgresException { SqlState: "3D000" } postgres => postgres.MessageText,
        PostgresException { SqlState: "42P01" } postgres =>
            $"the database holds no EnsembleFarm store, or an incomplete one ({postgres.MessageText})",
        PostgresException => null,
        _ => Describe(e),
    };

    private static string Describe(Exception e) =>
        e.InnerException is { } inner && !string.IsNullOrEmpty(inner.Message) ? $"{e.Message}: {inner.Message}" : e.Message;
}
