using EnsembleFarm.Store;
using Xunit;
using Microsoft.Data.Sqlite;

namespace EnsembleFarm.Store.Tests;

public sealed class SqliteFarmStoreTests : FarmStoreContractTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("farm-store-").FullName;
    private int _files;

    protected override async Task<IFarmStore> CreateStoreAsync(TimeProvider clock)
    {
        var store = new SqliteFarmStore(Path.Combine(_folder, $"farm-{++_files}.db"), clock);
        await store.MigrateAsync(Ct);
        return store;
    }

    protected override async Task<IFarmStore> OpenAnotherInstanceAsync(IFarmStore first, TimeProvider clock)
    {
        var store = new SqliteFarmStore(((SqliteFarmStore)first).FilePath, clock);
        await store.MigrateAsync(Ct);
        return store;
    }

    protected override ValueTask CleanUpAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    private string NewPath() => Path.Combine(_folder, $"schema-{++_files}.db");

    private static long ReadSchemaVersion(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_version;";
        return (long)command.ExecuteScalar()!;
    }

    private static void ExecuteRaw(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [Fact]
    public async Task Migrate_BringsAnEmptyFileToTheCurrentVersionInWalMode()
    {
        var path = NewPath();
        await File.WriteAllBytesAsync(path, [], Ct);
        await using var store = new SqliteFarmStore(path);

        await store.MigrateAsync(Ct);
        await store.MigrateAsync(Ct);

        Assert.Equal(SqliteSchema.CurrentVersion, ReadSchemaVersion(path));
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", command.ExecuteScalar());
    }

    [Fact]
    public async Task Migrate_UpgradesAFileAtVersionZero()
    {
        var path = NewPath();
        ExecuteRaw(path, "CREATE TABLE schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1, 0);");
        await using var store = new SqliteFarmStore(path);

        await store.MigrateAsync(Ct);

        Assert.Equal(SqliteSchema.CurrentVersion, ReadSchemaVersion(path));
        Assert.Empty(await store.ListCampaignsAsync(Ct));
    }

    [Fact]
    public async Task Migrate_FromVersionOne_KeepsTheCampaignsAndReadsTheirTaskFromTheirSpec()
    {
        var path = NewPath();
        ExecuteRaw(path, SqliteSchema.Migrations[0].Sql +
            "CREATE TABLE schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1, 1);" +
            "INSERT INTO campaigns (name, kind, spec_yaml, dataset_path, dataset_sha256, state, max_attempts, created_at) VALUES " +
            "('spectra', 'ensemble', 'name: spectra\ndataset:\n  path: agn.csv\n  task: multiclass\n', '/d/agn.csv', 'aa', 'completed', 1, 0), " +
            "('flow', 'ensemble', 'name: flow\ndataset: {path: mu.csv, target: pt, task: \"regression\"}\n', '/d/mu.csv', 'bb', 'completed', 1, 0);");
        await using var store = new SqliteFarmStore(path);

        await store.MigrateAsync(Ct);

        Assert.Equal(SqliteSchema.CurrentVersion, ReadSchemaVersion(path));
        Assert.Equal([("flow", "regression"), ("spectra", "multiclass")],
            (await store.ListCampaignsAsync(Ct)).Select(c => (c.Name, c.Task)).Order());
    }

    [Fact]
    public async Task Migrate_RefusesASchemaNewerThanThisBuild()
    {
        var path = NewPath();
        await using (var current = new SqliteFarmStore(path)) await current.MigrateAsync(Ct);
        var future = SqliteSchema.CurrentVersion + 1;
        ExecuteRaw(path, $"UPDATE schema_version SET version = {future};");
        await using var store = new SqliteFarmStore(path);

        var error = await Assert.ThrowsAsync<FarmStoreException>(() => store.MigrateAsync(Ct));

        Assert.Contains($"schema version {future}", error.Message);
        Assert.Contains(path, error.Message);
        Assert.Equal(future, ReadSchemaVersion(path));
    }

    [Fact]
    public async Task Migrate_RefusesAFileThatIsNotADatabase()
    {
        var path = NewPath();
        await File.WriteAllTextAsync(path, "name,feature\nnot,a database at all, but long enough to have a header page........", Ct);
        await using var store = new SqliteFarmStore(path);

        var error = await Assert.ThrowsAsync<FarmStoreException>(() => store.MigrateAsync(Ct));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public async Task Migrate_FromManyInstancesAtOnce_MigratesOnce()
    {
        var path = NewPath();
        var stores = Enumerable.Range(0, 4).Select(_ => new SqliteFarmStore(path)).ToArray();

        await Task.WhenAll(stores.Select(store => Task.Run(() => store.MigrateAsync(Ct), Ct)));

        Assert.Equal(SqliteSchema.CurrentVersion, ReadSchemaVersion(path));
        foreach (var store in stores) await store.DisposeAsync();
    }

    [Fact]
    public async Task DisposedStore_RefusesFurtherUse()
    {
        var store = await CreateStoreAsync(TimeProvider.System);
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.ListCampaignsAsync(Ct));
    }

    [Fact]
    public async Task AStoreFileDeletedWhileInUse_IsReportedAndNotRecreated()
    {
        var store = (SqliteFarmStore)await CreateStoreAsync(TimeProvider.System);
        await store.ListCampaignsAsync(Ct); // leaves a pooled connection on the file
        File.Delete(store.FilePath);

        var read = await Assert.ThrowsAsync<FarmStoreException>(() => store.ListCampaignsAsync(Ct));
        var claim = await Assert.ThrowsAsync<FarmStoreException>(() => store.ClaimTrialsAsync(1, "silo-1", 1, TimeSpan.FromSeconds(5), Ct));

        Assert.Equal(
            $"The store file '{store.FilePath}' does not exist (deleted or moved while in use?). Restore it, or point the farm at a new store.",
            read.Message);
        Assert.Equal(read.Message, claim.Message);
        Assert.False(File.Exists(store.FilePath));
        await store.DisposeAsync();
    }

    [Fact]
    public async Task AStoreFileOverwrittenWithOtherBytes_IsReportedAsDamaged()
    {
        var path = NewPath();
        await using (var first = new SqliteFarmStore(path)) await first.MigrateAsync(Ct);
        await File.WriteAllTextAsync(path, "id,feature\n" + new string('x', 8192), Ct);
        await using var store = new SqliteFarmStore(path);

        var error = await Assert.ThrowsAsync<FarmStoreException>(() => store.ListCampaignsAsync(Ct));

        Assert.StartsWith($"The store file '{path}' is damaged or is not an EnsembleFarm store (", error.Message);
    }
}
