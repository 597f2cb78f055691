using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Grains.Running;
using EnsembleFarm.Grains.Training;
using EnsembleFarm.Store;
using EnsembleFarm.Grains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Xunit;

namespace EnsembleFarm.TestKit;

/// <summary>
/// An in-process Orleans cluster of farm silos sharing one SQLite store and one <see cref="ScriptedTrainer"/>, with the
/// farm's real grains, runner and membership settings. Each silo has <c>slotsPerSilo</c> slots. What the scripted
/// trainer does is the test's to say, so scheduling can be observed exactly.
/// </summary>
public sealed class InProcessFarm : IAsyncDisposable
{
    /// <summary>How long starting or stopping the in-process cluster may take (a few seconds normally, also under load).</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    private readonly TempFolder _folder;
    private readonly bool _ownsFolder;

    private InProcessFarm(TempFolder folder, bool ownsFolder, InProcessTestCluster cluster, IFarmStore store, ScriptedTrainer trainer)
    {
        _folder = folder;
        _ownsFolder = ownsFolder;
        Cluster = cluster;
        Store = store;
        Trainer = trainer;
    }

    public InProcessTestCluster Cluster { get; }

    public IFarmStore Store { get; }

    /// <summary>The scripted trainer (the silos' trainer unless another was given).</summary>
    public ScriptedTrainer Trainer { get; }

    public string Folder => _folder.Path;

    public IFarmGrain Farm => Cluster.Client.GetGrain<IFarmGrain>(0);

    /// <param name="trainer">The trainer the silos use (e.g. the built-in one); null: the <see cref="ScriptedTrainer"/>.</param>
    /// <param name="commands">The trainer command aliases the silos report that they allow.</param>
    /// <param name="folder">
    /// The folder of the store and data, kept after the farm: a farm started again on it resumes what the last one left.
    /// Null: a folder of the farm's own, deleted with it.
    /// </param>
    /// <param name="gpus">The GPU device ids of each silo, in the order they start (listed ids: no hardware needed); null: none.</param>
    /// <param name="lease">The silos' trial lease (renewed every third of it); null: the runner's default.</param>
    /// <param name="silosStore">What the silos get as their store, made from the farm's (e.g. one with a fault); null: the store itself.</param>
    public static async Task<InProcessFarm> StartAsync(short silos = 2, int slotsPerSilo = 2, DrainMode drain = DrainMode.Release,
        Func<IFarmStore, ITrialTrainer>? trainer = null, TempFolder? folder = null, IReadOnlyList<string>? commands = null,
        IReadOnlyList<IReadOnlyList<int>>? gpus = null, TimeSpan? lease = null, Func<IFarmStore, IFarmStore>? silosStore = null)
    {
        var configured = -1;
        var ownsFolder = folder is null;
        folder ??= new TempFolder("farm-grains-");
        var store = new SqliteFarmStore(folder["farm.db"]);
        await store.MigrateAsync();
        var scripted = new ScriptedTrainer(store);
        var used = trainer?.Invoke(store) ?? scripted;
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddEnsembleFarm(runner =>
            {
                runner.Slots = [.. Enumerable.Range(0, slotsPerSilo).Select(i => $"cpu{i}")];
                runner.Gpus = gpus?[Interlocked.Increment(ref configured)] ?? [];
                runner.ReportInterval = TimeSpan.FromMilliseconds(250);
                runner.Drain = drain;
                runner.DrainTimeout = TimeSpan.FromSeconds(2);
                runner.Commands = commands ?? [];
                if (lease is { } l) runner.Lease = l;
            });
            silo.Services.AddSingleton<IFarmStore>(silosStore?.Invoke(store) ?? store);
            silo.Services.AddSingleton<ITrialTrainer>(used);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync().WaitAsync(Limit, TestContext.Current.CancellationToken);
        return new InProcessFarm(folder, ownsFolder, cluster, store, scripted);
    }

    /// <summary>Writes a small campaign's spec and data into the folder and submits it through the farm grain.</summary>
    public Task<long> SubmitAsync(int members, string name = "small", int slots = 1, int retries = 1)
    {
        SmallCampaign.WriteDataset(Folder);
        return SubmitAsync(SmallCampaign.SpecYaml(members, name: name, slots: slots, retries: retries), $"{name}.yaml");
    }

    /// <summary>Submits a spec whose data set is in the folder through the farm grain.</summary>
    public async Task<long> SubmitAsync(string yaml, string specName)
    {
        var result = await Farm.SubmitAsync(new SubmitRequest(yaml, Folder, specName, Resume: false));
        return result.Outcome == SubmitOutcome.Created
            ? result.Campaign!.Id
            : throw new InvalidOperationException($"the test campaign was refused: {string.Join("; ", result.Problems)}");
    }

    /// <summary>Waits until the campaign has ended (or fails the test after <paramref name="timeout"/>).</summary>
    public async Task<CampaignRecord> WaitForEndAsync(long campaignId, TimeSpan? timeout = null) =>
        await Eventually.ValueAsync(async () => await Store.GetCampaignAsync(campaignId) is { HasEnded: true } ended ? ended : null,
            timeout ?? TimeSpan.FromSeconds(30), $"campaign {campaignId} to end");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Cluster.DisposeAsync().AsTask().WaitAsync(Limit);
        }
        catch (TimeoutException)
        {
            // Orleans' test cluster, not the farm, failed to stop (its silos may have been killed in process, their
            // threads living on): say so, and leave the test's outcome to what it asserted rather than hang it.
            TestContext.Current.TestOutputHelper?.WriteLine($"the in-process cluster did not stop within {Limit.TotalSeconds:F0} s; left behind");
        }
        await Store.DisposeAsync();
        if (_ownsFolder) _folder.Dispose();
    }
}
