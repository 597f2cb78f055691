using EnsembleFarm.Store;
using EnsembleFarm.Silo;
using EnsembleFarm.Silo.Training;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace EnsembleFarm.Silo.Tests;

/// <summary>A real SQLite store in a temporary folder, and silos over it, for one test.</summary>
internal sealed class TestFarm : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("farm-silo-").FullName;

    private TestFarm() => Store = new SqliteFarmStore(Path.Combine(_folder, "farm.db"));

    public SqliteFarmStore Store { get; }

    public string Folder => _folder;

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<TestFarm> StartAsync()
    {
        var farm = new TestFarm();
        await farm.Store.MigrateAsync(Ct);
        return farm;
    }

    /// <summary>Short leases and polls so tests finish quickly; nothing asserts on time.</summary>
    public static SiloOptions Options(string id = "silo-1", int slots = 2) => new(
        Store: null, Slots: slots, Id: id, Lease: TimeSpan.FromSeconds(5), Heartbeat: TimeSpan.FromMilliseconds(50),
        Poll: TimeSpan.FromMilliseconds(20), Drain: DrainMode.Finish, DrainTimeout: TimeSpan.FromSeconds(60), OnceIdleExit: true);

    public SiloRunner Runner(ITrialTrainer trainer, SiloOptions? options = null) =>
        new(Store, trainer, options ?? Options(), NullLogger<SiloRunner>.Instance);

    /// <summary>A campaign of plain trials whose test part has <paramref name="testRows"/> rows.</summary>
    public Task<long> CreateCampaignAsync(int trials, int maxAttempts = 2, int testRows = 4, string datasetPath = "/data/none.csv",
        string datasetSha256 = "", string specYaml = "name: test\n") =>
        Store.CreateCampaignAsync(
            new NewCampaign("test", "ensemble", specYaml, datasetPath,
                datasetSha256.Length > 0 ? datasetSha256 : new string('0', 64), maxAttempts,
                new CampaignTestSet(Enumerable.Range(0, testRows).ToArray(), new float[testRows], 1, null)),
            Enumerable.Range(0, trials).Select(i => new NewTrial(i, "{}", (ulong)i, (ulong)i + 1)).ToArray(),
            Ct);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>A trainer whose behaviour each test writes.</summary>
internal sealed class ScriptedTrainer(Func<ClaimedTrial, ITrialProgress, CancellationToken, Task<TrialOutcome>> train) : ITrialTrainer
{
    public Task<TrialOutcome> TrainAsync(ClaimedTrial trial, ITrialProgress progress, CancellationToken ct) => train(trial, progress, ct);

    public static TrialOutcome Outcome(int testRows = 4) => new(
        new Dictionary<string, double> { ["accuracy"] = 1 }, new float[testRows], 1, [1, 2], """{"model":"fake"}""");

    /// <summary>Runs until its token is cancelled; <paramref name="started"/> completes once it runs.</summary>
    public static ScriptedTrainer UntilCancelled(TaskCompletionSource<ClaimedTrial> started) => new(async (trial, _, ct) =>
    {
        started.TrySetResult(trial);
        await Task.Delay(Timeout.Infinite, ct);
        return Outcome();
    });
}
