using System.Net;
using System.Net.Sockets;
using EnsembleFarm.Store;
using EnsembleFarm.TestKit;
using Npgsql;
using Xunit;

namespace EnsembleFarm.Store.Tests;

/// <summary>The contract on PostgreSQL, each test on a fresh database of the assembly's server; then what only PostgreSQL has.</summary>
public sealed class PostgresFarmStoreTests(PostgresServerFixture postgres) : FarmStoreContractTests
{
    private readonly Dictionary<IFarmStore, string> _databases = [];

    protected override async Task<IFarmStore> CreateStoreAsync(TimeProvider clock)
    {
        var database = await postgres.CreateDatabaseAsync(Ct);
        var store = new PostgresFarmStore(database, clock);
        await store.MigrateAsync(Ct);
        _databases[store] = database;
        return store;
    }

    protected override async Task<IFarmStore> OpenAnotherInstanceAsync(IFarmStore first, TimeProvider clock)
    {
        var store = new PostgresFarmStore(_databases[first], clock);
        await store.MigrateAsync(Ct);
        return store;
    }

    private static async Task<T?> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T?)await command.ExecuteScalarAsync(Ct);
    }

    /// <summary>Has the store's next commit lose its acknowledgement, as a connection that breaks right after COMMIT does.</summary>
    private static void LoseTheNextAcknowledgement(PostgresFarmStore store)
    {
        var armed = 1;
        store.AfterCommit = () =>
        {
            if (Interlocked.Exchange(ref armed, 0) == 1)
                throw new NpgsqlException("acknowledgement lost (simulated)", new IOException("Connection reset by peer"));
        };
    }

    // Schema --------------------------------------------------------------------------------------

    [Fact]
    public async Task Migrate_FromManyInstancesAtOnce_MigratesOnce()
    {
        var database = await postgres.CreateDatabaseAsync(Ct);
        var stores = Enumerable.Range(0, 4).Select(_ => new PostgresFarmStore(database)).ToArray();

        await Task.WhenAll(stores.Select(store => Task.Run(() => store.MigrateAsync(Ct), Ct)));

        Assert.Equal(PostgresSchema.CurrentVersion, await ScalarAsync<int>(database, "SELECT version FROM schema_version;"));
        Assert.Equal(1L, await ScalarAsync<long>(database, "SELECT count(*) FROM schema_version;"));
        Assert.Empty(await stores[3].ListCampaignsAsync(Ct));
        foreach (var store in stores) await store.DisposeAsync();
    }

    [Fact]
    public async Task Migrate_RefusesASchemaNewerThanThisBuild()
    {
        var database = await postgres.CreateDatabaseAsync(Ct);
        await using (var current = new PostgresFarmStore(database)) await current.MigrateAsync(Ct);
        var future = PostgresSchema.CurrentVersion + 1;
        await ScalarAsync<object>(database, $"UPDATE schema_version SET version = {future};");
        await using var store = new PostgresFarmStore(database);

        var error = await Assert.ThrowsAsync<FarmStoreException>(() => store.MigrateAsync(Ct));

        Assert.Contains($"schema version {future}", error.Message);
        Assert.Contains(store.Location, error.Message);
        Assert.Equal(future, await ScalarAsync<int>(database, "SELECT version FROM schema_version;"));
    }

    [Fact]
    public async Task Location_NamesServerAndDatabase_NeverThePassword()
    {
        var server = postgres.Server;
        await using var fromUrl = new PostgresFarmStore($"postgresql://postgres:s3cret@{server.Host}:{server.Port}/farm");
        await using var fromConnectionString = new PostgresFarmStore(server.ConnectionString("farm") + ";Password=s3cret");

        Assert.Equal($"{server.Host}:{server.Port}/farm", fromUrl.Location);
        Assert.Equal(fromUrl.Location, fromConnectionString.Location);
    }

    // Failures of the server ----------------------------------------------------------------------

    [Fact]
    public async Task AnUnreachableServer_IsReportedByHostAndPort_WithoutThePassword()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var retry = new PostgresRetryPolicy(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500));
        await using var store = new PostgresFarmStore($"Host=127.0.0.1;Port={port};Username=farm;Password=s3cret;Database=farm", retry: retry);

        var error = await Assert.ThrowsAsync<FarmStoreException>(() => store.MigrateAsync(Ct));

        Assert.StartsWith($"The PostgreSQL server at 127.0.0.1:{port}/farm is unreachable", error.Message);
        Assert.DoesNotContain("s3cret", error.Message);
    }

    [Fact]
    public async Task AMissingDatabase_IsReportedWithoutThePassword()
    {
        var server = postgres.Server;
        var location = $"postgres://postgres:s3cret@{server.Host}:{server.Port}/no_such_farm";

        var error = await Assert.ThrowsAsync<FarmStoreException>(() => FarmStoreFactory.OpenAsync(location, ct: Ct));

        Assert.Contains($"{server.Host}:{server.Port}/no_such_farm", error.Message);
        Assert.Contains("does not exist", error.Message);
        Assert.DoesNotContain("s3cret", error.Message);
    }

    [Fact]
    public async Task TheServerRestarting_WhileAStoreIsInUse_IsRiddenOut()
    {
        // A server of its own: stopping the assembly's would disturb the tests running beside this one.
        await using var server = await PostgresServer.StartNewAsync(Ct);
        var database = await server.CreateDatabaseAsync("farm", Ct);
        await using var store = new PostgresFarmStore(database, Clock);
        await store.MigrateAsync(Ct);
        var campaignId = await store.CreateCampaignAsync(Campaign(), Trials(4), Ct);
        var first = await ClaimOneAsync(store, campaignId);

        // In flight when the server goes down: the claim waits for a campaign lock that another session holds, and the
        // restart ends both sessions; the claim is tried again once the server is back.
        var inFlight = await ClaimBehindALockAsync(store, database, campaignId, "silo-b", () => server.RestartAsync(Ct));
        Assert.Equal(1, Assert.Single(inFlight).Trial.Index);

        // Started while the server is down: it keeps trying until the server is back.
        await server.StopAsync(Ct);
        var whileDown = store.ClaimTrialsAsync(campaignId, "silo-c", 1, Lease, Ct);
        await Task.Delay(TimeSpan.FromMilliseconds(500), Ct);
        Assert.False(whileDown.IsCompleted);
        await server.StartAsync(Ct);
        Assert.Equal(2, Assert.Single(await whileDown).Trial.Index);

        // Restarted between two operations: the pooled connections are dead, and the next operation still succeeds.
        await server.RestartAsync(Ct);
        Assert.True(await store.CompleteTrialAsync(first.Lease, Outcome(), Ct));
        Assert.Equal(new CampaignProgress(1, 2, 1, 0, 0, 0), await store.GetProgressAsync(campaignId, Ct));
    }

    /// <summary>Starts a claim that has to wait for the campaign's row lock, then runs <paramref name="disruption"/> while it waits.</summary>
    private static async Task<IReadOnlyList<ClaimedTrial>> ClaimBehindALockAsync(IFarmStore store, string database, long campaignId,
        string silo, Func<Task> disruption)
    {
        await using var blocker = new NpgsqlConnection(database + ";Pooling=false");
        await blocker.OpenAsync(Ct);
        await using var transaction = await blocker.BeginTransactionAsync(Ct);
        await using (var lockCampaign = new NpgsqlCommand($"SELECT 1 FROM campaigns WHERE id = {campaignId} FOR UPDATE;", blocker))
            await lockCampaign.ExecuteNonQueryAsync(Ct);
        var claim = store.ClaimTrialsAsync(campaignId, silo, 1, Lease, Ct);
        await Task.Delay(TimeSpan.FromMilliseconds(300), Ct);
        Assert.False(claim.IsCompleted);
        await disruption();
        return await claim;
    }

    // Lost acknowledgements -------------------------------------------------------------------------

    [Fact]
    public async Task CreateAndClaim_WhoseAcknowledgementsAreLost_CreateOneCampaign_AndHandOutTheTrialsTheyTook()
    {
        var store = (PostgresFarmStore)await NewStoreAsync();

        LoseTheNextAcknowledgement(store);
        var campaignId = await store.CreateCampaignAsync(Campaign(), Trials(4), Ct);
        LoseTheNextAcknowledgement(store);
        var claimed = await store.ClaimTrialsAsync(campaignId, "silo-a", 2, Lease, Ct);

        Assert.Equal([campaignId], (await store.ListCampaignsAsync(Ct)).Select(c => c.Id));
        Assert.Equal([(0, 1), (1, 1)], claimed.Select(c => (c.Trial.Index, c.Lease.Attempt)));
        Assert.All(claimed, c => Assert.Equal((TrialState.Running, "silo-a", CampaignState.Running), (c.Trial.State, c.Trial.Owner, c.Campaign.State)));
        Assert.Equal(new CampaignProgress(2, 2, 0, 0, 0, 0), await store.GetProgressAsync(campaignId, Ct));
    }

    [Fact]
    public async Task FailRecoverAndRenew_WhoseAcknowledgementsAreLost_AreAppliedOnce_AndAnsweredAsTheFirstTryWas()
    {
        var store = (PostgresFarmStore)await NewStoreAsync();
        var campaignId = await store.CreateCampaignAsync(Campaign(maxAttempts: 3), Trials(2), Ct);
        var failing = await ClaimOneAsync(store, campaignId, "silo-a");
        var dying = await ClaimOneAsync(store, campaignId, "silo-b");

        LoseTheNextAcknowledgement(store);
        Assert.True(await store.FailTrialAsync(failing.Lease, "diverged", retryable: true, Ct));
        LoseTheNextAcknowledgement(store);
        Assert.Equal([campaignId], await store.RecoverSiloTrialsAsync(["silo-b"], "silo-b was declared dead", Ct));
        LoseTheNextAcknowledgement(store);
        Assert.Equal([dying.Trial.Id], (await store.RenewLeasesAsync("silo-b", [dying.Trial.Id], Lease, Ct)).Lost);

        Assert.Empty((await store.RenewLeasesAsync("silo-b", [dying.Trial.Id], Lease, Ct)).Lost);
        Assert.Equal([AttemptOutcome.Failed], (await store.GetAttemptsAsync(failing.Trial.Id, Ct)).Select(a => a.Outcome!.Value));
        Assert.Equal([AttemptOutcome.Expired], (await store.GetAttemptsAsync(dying.Trial.Id, Ct)).Select(a => a.Outcome!.Value));
        var retried = await store.ClaimTrialsAsync(campaignId, "silo-c", 2, Lease, Ct);
        Assert.Equal([2, 2], retried.Select(c => c.Lease.Attempt));
    }

    [Fact]
    public async Task Completion_WhoseAcknowledgementIsLost_IsAcknowledged_AndEndsTheAttemptAndTheCampaignOnce()
    {
        var store = (PostgresFarmStore)await NewStoreAsync();
        var campaignId = await store.CreateCampaignAsync(Campaign(), Trials(1), Ct);
        var claimed = await ClaimOneAsync(store, campaignId);

        LoseTheNextAcknowledgement(store);
        Assert.True(await store.CompleteTrialAsync(claimed.Lease, Outcome(), Ct));

        Assert.Equal([AttemptOutcome.Completed], (await store.GetAttemptsAsync(claimed.Trial.Id, Ct)).Select(a => a.Outcome!.Value));
        Assert.Equal(TrialState.Completed, (await store.GetTrialAsync(claimed.Trial.Id, Ct))!.State);
        Assert.Equal(CampaignState.Completed, (await store.GetCampaignAsync(campaignId, Ct))!.State);
    }

    [Fact]
    public async Task Cancel_WhoseAcknowledgementIsLost_StillReportsThatItCancelled()
    {
        var store = (PostgresFarmStore)await NewStoreAsync();
        var campaignId = await store.CreateCampaignAsync(Campaign(), Trials(2), Ct);

        LoseTheNextAcknowledgement(store);
        Assert.True(await store.CancelCampaignAsync(campaignId, Ct));

        Assert.False(await store.CancelCampaignAsync(campaignId, Ct));
        Assert.Equal(CampaignState.Cancelled, (await store.GetCampaignAsync(campaignId, Ct))!.State);
    }

    // Orleans' clustering tables -------------------------------------------------------------------

    [Fact]
    public async Task ClusterSchema_AppliedByTwoSilosAtOnceAndAgainLater_IsCreatedOnce()
    {
        var database = await postgres.CreateDatabaseAsync(Ct);

        var atOnce = await Task.WhenAll(
            Task.Run(() => PostgresClusterSchema.EnsureAsync(database, ct: Ct), Ct),
            Task.Run(() => PostgresClusterSchema.EnsureAsync(database, ct: Ct), Ct));
        var later = await PostgresClusterSchema.EnsureAsync(database, ct: Ct);

        Assert.Equal([false, true], atOnce.Order());
        Assert.False(later);
        Assert.True(await ScalarAsync<long>(database, "SELECT count(*) FROM orleansquery;") > 0);
        Assert.Equal(0L, await ScalarAsync<long>(database, "SELECT count(*) FROM orleansmembershiptable;"));
    }
}
