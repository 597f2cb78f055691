using EnsembleFarm.TestKit;
using Npgsql;
using Xunit;

namespace EnsembleFarm.Store.Tests;

/// <summary>The TestKit's PostgreSQL: what the store's PostgreSQL tests rely on.</summary>
public sealed class PostgresServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Counts on a connection of its own: a pooled one would not survive the restart.</summary>
    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task TwoServersStartedAtOnce_RunSideBySide_AndKeepTheirDataAcrossARestart()
    {
        var servers = await Task.WhenAll(PostgresServer.StartNewAsync(Ct), PostgresServer.StartNewAsync(Ct));
        try
        {
            Assert.NotEqual(servers[0].Port, servers[1].Port);
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"initdb {servers[0].InitDuration.TotalMilliseconds:F0} ms, first start {servers[0].FirstStartDuration.TotalMilliseconds:F0} ms");

            var database = await servers[0].CreateDatabaseAsync("kept", Ct);
            await servers[0].ExecuteAsync("SELECT 1;", Ct);
            await using (var connection = new NpgsqlConnection(database + ";Pooling=false"))
            {
                await connection.OpenAsync(Ct);
                await using var create = new NpgsqlCommand("CREATE TABLE t (x int); INSERT INTO t VALUES (1), (2);", connection);
                await create.ExecuteNonQueryAsync(Ct);
            }
            var port = servers[0].Port;

            await servers[0].RestartAsync(Ct);

            Assert.Equal(port, servers[0].Port);
            Assert.Equal(2, await CountAsync(database, "SELECT count(*) FROM t;"));
            Assert.Equal(0, await CountAsync(servers[1].ConnectionString(), "SELECT count(*) FROM pg_database WHERE datname = 'kept';"));
        }
        finally
        {
            foreach (var server in servers) await server.DisposeAsync();
        }
        Assert.All(servers, server => Assert.False(Directory.Exists(server.DataDirectory)));
    }

    [Fact]
    public async Task AStoppedServer_RefusesConnections_UntilStartedAgain()
    {
        await using var server = await PostgresServer.StartNewAsync(Ct);

        await server.StopAsync(Ct);

        Assert.False(server.IsRunning);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => CountAsync(server.ConnectionString(), "SELECT 1;"));
        await server.StartAsync(Ct);
        Assert.Equal(1, await CountAsync(server.ConnectionString(), "SELECT 1;"));
    }
}
