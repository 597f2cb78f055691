using Xunit;

namespace EnsembleFarm.TestKit;

/// <summary>
/// One PostgreSQL server per test assembly, started before its first test and removed after its last. Register it
/// with <c>[assembly: AssemblyFixture(typeof(PostgresServerFixture))]</c> and take it in a test class's constructor;
/// each test then asks for a database of its own, so tests running in parallel never see each other's rows.
/// </summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    private PostgresServer? _server;
    private int _databases;

    /// <summary>The running server.</summary>
    public PostgresServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL fixture has not been started.");

    /// <summary>A fresh, empty database for one test; returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(CancellationToken ct = default) =>
        Server.CreateDatabaseAsync($"test_{Interlocked.Increment(ref _databases)}", ct);

    /// <inheritdoc />
    public async ValueTask InitializeAsync() => _server = await PostgresServer.StartNewAsync(TestContext.Current.CancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
