using EnsembleFarm.Store;

namespace EnsembleFarm.Silo;

/// <summary>What a draining silo does with the trials it still runs.</summary>
public enum DrainMode
{
    /// <summary>Finish them within the drain timeout, then release what is left.</summary>
    Finish,

    /// <summary>Release them at once: another silo runs them from the start, without spending an attempt.</summary>
    Release,
}

/// <summary>The settings of one silo process (command line: see <see cref="SiloCommandLine"/>).</summary>
/// <param name="Store">The store location (<see cref="FarmStoreFactory"/>); null: the default.</param>
/// <param name="Slots">How many slots' worth of trials run at once.</param>
/// <param name="Id">The silo's id in the store: trials it runs are leased to it.</param>
/// <param name="Lease">How long a claimed trial stays this silo's without a heartbeat.</param>
/// <param name="Heartbeat">How often leases are renewed (well under <paramref name="Lease"/>).</param>
/// <param name="Poll">How often an idle slot looks for queued trials.</param>
/// <param name="OnceIdleExit">Exit once the farm has no open campaign and this silo runs nothing.</param>
public sealed record SiloOptions(
    string? Store,
    int Slots,
    string Id,
    TimeSpan Lease,
    TimeSpan Heartbeat,
    TimeSpan Poll,
    DrainMode Drain,
    TimeSpan DrainTimeout,
    bool OnceIdleExit)
{
    public static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultPoll = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// One slot per core: a built-in trial trains on one thread unless its spec sets training.threads,
    /// and such a spec asks for as many slots (resources.slots) as it uses threads.
    /// </summary>
    public static int DefaultSlots => Math.Max(1, Environment.ProcessorCount);

    /// <summary>Three heartbeats per lease, so one or two lost heartbeats do not cost the lease.</summary>
    public static TimeSpan DefaultHeartbeat(TimeSpan lease) => lease / 3;

    /// <summary>host-pid-random: unique across restarts, and says where the silo runs.</summary>
    public static string NewId() => $"{Environment.MachineName}-{Environment.ProcessId}-{Random.Shared.Next(0x10000):x4}";

    /// <summary>Names of this silo's slots as the store lists them.</summary>
    public IReadOnlyList<string> SlotNames => [.. Enumerable.Range(0, Slots).Select(i => $"cpu{i}")];

    /// <summary>The problems with these settings, each naming its option; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Slots < 1) errors.Add($"--slots must be at least 1, got {Slots}");
        if (string.IsNullOrWhiteSpace(Id)) errors.Add("--id must not be empty");
        if (Lease <= TimeSpan.Zero) errors.Add($"--lease must be positive, got {Duration.Format(Lease)}");
        if (Heartbeat <= TimeSpan.Zero) errors.Add($"--heartbeat must be positive, got {Duration.Format(Heartbeat)}");
        else if (Heartbeat >= Lease)
            errors.Add($"--heartbeat ({Duration.Format(Heartbeat)}) must be shorter than --lease ({Duration.Format(Lease)}), or leases expire between heartbeats");
        if (Poll <= TimeSpan.Zero) errors.Add($"--poll must be positive, got {Duration.Format(Poll)}");
        if (DrainTimeout < TimeSpan.Zero) errors.Add($"--drain-timeout must not be negative, got {Duration.Format(DrainTimeout)}");
        return errors;
    }
}
