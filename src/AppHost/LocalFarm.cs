namespace EnsembleFarm.AppHost;

/// <summary>
/// Silo processes sharing one store file on this machine: the local farm. Each silo's output lines are
/// handed to the caller with the silo's name. Disposing stops every silo (SIGTERM, wait, then kill).
/// </summary>
public sealed class LocalFarm : IAsyncDisposable
{
    /// <summary>How long a silo may take to drain after SIGTERM before it is killed.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);

    private readonly List<ChildProcess> _silos = [];

    private LocalFarm()
    {
    }

    public IReadOnlyList<ChildProcess> Silos => _silos;

    /// <summary>
    /// Starts one <c>farm-silo</c> per entry of <paramref name="slotsPerSilo"/>, named silo-1, silo-2, … in
    /// the output, with any <paramref name="extraArguments"/> (e.g. a short --lease). Their ids in the store
    /// are the silo's own unique default (host-pid-random), never reused: a restarted silo that took a dead
    /// one's id would renew the dead one's leases by its heartbeat, and its trials would never be requeued.
    /// </summary>
    public static LocalFarm Start(FarmTool siloTool, string storePath, IReadOnlyList<int> slotsPerSilo,
        Action<string, string> onLine, IReadOnlyList<string>? extraArguments = null)
    {
        var farm = new LocalFarm();
        try
        {
            for (var i = 0; i < slotsPerSilo.Count; i++)
            {
                var name = $"silo-{i + 1}";
                string[] arguments = ["--store", storePath, "--slots", slotsPerSilo[i].ToString(), .. extraArguments ?? []];
                farm._silos.Add(ChildProcess.StartObserved(name, siloTool, arguments, line => onLine(name, line)));
            }
            return farm;
        }
        catch
        {
            farm.StopAsync(TimeSpan.Zero).GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>Stops every silo at once: SIGTERM, up to <paramref name="grace"/> to drain, then kill.</summary>
    public Task StopAsync(TimeSpan grace) => Task.WhenAll(_silos.Select(s => s.StopAsync(grace)));

    public async ValueTask DisposeAsync()
    {
        await StopAsync(StopGrace);
        foreach (var silo in _silos) await silo.DisposeAsync();
    }
}
