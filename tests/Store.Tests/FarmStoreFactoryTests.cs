using EnsembleFarm.Store;
using Xunit;

namespace EnsembleFarm.Store.Tests;

public sealed class FarmStoreFactoryTests : IDisposable
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
    public void ResolveSqlitePath_RefusesPostgresForNowWithoutLeakingThePassword(string location)
    {
        var error = Assert.Throws<FarmStoreException>(() => FarmStoreFactory.ResolveSqlitePath(location));

        Assert.Contains("PostgreSQL store arrives in a later release", error.Message);
        Assert.DoesNotContain("secret", error.Message);
    }
}
