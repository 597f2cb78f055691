using EnsembleFarm.Store;
using EnsembleFarm.TestKit;
using Xunit;

namespace EnsembleFarm.Store.Tests;

public sealed class FarmStoreFactoryTests(PostgresServerFixture postgres) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("farm-factory-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Open_CreatesTheFolderAndAMigratedStore()
    {
        var path = Path.Combine(_folder, "nested", "farm.db");

        await using (var store = await FarmStoreFactory.OpenAsync($"sqlite:{path}", ct: TestContext.Current.CancellationToken))
            Assert.Empty(await store.ListCampaignsAsync(TestContext.Current.CancellationToken));

        Assert.True(File.Exists(path));
    }

    [Theory]
    [InlineData("farm.db")]
    [InlineData("sqlite:farm.db")]
    [InlineData("  sqlite:farm.db  ")]
    public void ResolveSqlitePath_AcceptsAPathWithOrWithoutScheme(string location) =>
        Assert.Equal(Path.GetFullPath("farm.db"), FarmStoreFactory.ResolveSqlitePath(location));

    [Fact]
    public void ResolveSqlitePath_DefaultsToTheFarmFolderOrTheEnvironment()
    {
        var previous = Environment.GetEnvironmentVariable(FarmPaths.StoreVariable);
        try
        {
            Environment.SetEnvironmentVariable(FarmPaths.StoreVariable, null);
            Assert.Equal(Path.Combine(Environment.CurrentDirectory, ".farm", "farm.db"), FarmStoreFactory.ResolveSqlitePath(null));

            var configured = Path.Combine(_folder, "configured.db");
            Environment.SetEnvironmentVariable(FarmPaths.StoreVariable, configured);
            Assert.Equal(configured, FarmStoreFactory.ResolveSqlitePath(""));
        }
        finally
        {
            Environment.SetEnvironmentVariable(FarmPaths.StoreVariable, previous);
        }
    }

    [Theory]
    [InlineData("postgres://farm:secret@db:5432/farm")]
    [InlineData("postgresql://db/farm")]
    [InlineData("Host=db;Username=farm;Password=secret;Database=farm")]
    public void ResolveSqlitePath_RefusesAPostgresLocationWithoutLeakingThePassword(string location)
    {
        var error = Assert.Throws<FarmStoreException>(() => FarmStoreFactory.ResolveSqlitePath(location));

        Assert.EndsWith("names a PostgreSQL server, not a SQLite file.", error.Message);
        Assert.DoesNotContain("secret", error.Message);
    }

    [Fact]
    public async Task Open_APostgresUrlOrConnectionString_OpensAMigratedPostgresStore()
    {
        var server = postgres.Server;
        var database = await postgres.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        var name = new Npgsql.NpgsqlConnectionStringBuilder(database).Database;

        foreach (var location in (string[])[$"postgresql://{PostgresServer.SuperUser}:unused@{server.Host}:{server.Port}/{name}", database])
        {
            await using var store = await FarmStoreFactory.OpenAsync(location, ct: TestContext.Current.CancellationToken);
            Assert.IsType<PostgresFarmStore>(store);
            Assert.Equal($"{server.Host}:{server.Port}/{name}", store.Location);
            Assert.Empty(await store.ListCampaignsAsync(TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task Open_AnUnreadablePostgresLocation_IsRefusedWithoutThePassword()
    {
        var error = await Assert.ThrowsAsync<FarmStoreException>(() =>
            FarmStoreFactory.OpenAsync("Host=db;Password=secret;Port=not-a-number", ct: TestContext.Current.CancellationToken));

        Assert.Equal("'Host=db;Password=***;Port=not-a-number' is not a PostgreSQL URL or connection string that this build can read.", error.Message);
    }
}
