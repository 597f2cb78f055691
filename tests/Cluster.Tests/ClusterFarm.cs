using EnsembleFarm.Client.Connection;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Cluster.Tests;

/// <summary>
/// Real farm-silo processes forming a cluster on PostgreSQL (store and membership in one database), and a client
/// that reaches them through the cluster's membership table, as a user's <c>farm --cluster</c> does.
/// </summary>
internal sealed class ClusterFarm(string store, IReadOnlyList<string> siloArgs) : IAsyncDisposable
{
    private readonly List<SiloProcess> _silos = [];

    public string Store => store;

    public IReadOnlyList<SiloProcess> Silos => _silos;

    public static async Task<ClusterFarm> StartAsync(string store, int silos, params string[] siloArgs)
    {
        var farm = new ClusterFarm(store, siloArgs);
        for (var i = 0; i < silos; i++) farm.StartSilo();
        await Task.WhenAll(farm.Silos.Select(s => s.WaitUntilReadyAsync(TimeSpan.FromSeconds(120))));
        return farm;
    }

    public SiloProcess StartSilo()
    {
        var silo = SiloProcess.Start($"silo-{_silos.Count + 1}", store, siloArgs);
        _silos.Add(silo);
        return silo;
    }

    public Task<IFarmConnection> ConnectAsync(CancellationToken ct) =>
        FarmConnector.ConnectAsync(new ConnectionOptions(Gateway: null, Cluster: store, Store: null, ClusterId: null), FarmNeed.Farm, ct);

    public Task<IFarmStore> OpenStoreAsync(CancellationToken ct) => FarmStoreFactory.OpenAsync(store, ct: ct);

    /// <summary>Every silo's output, for a failing test's message.</summary>
    public string Output => string.Join("\n\n", _silos.Select(s => $"--- {s.Name} ---\n{s.Output}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos) await silo.DisposeAsync();
    }
}
