namespace EnsembleFarm.Grains.Running;

/// <summary>How a silo runs trials.</summary>
public sealed class TrialRunnerOptions
{
    /// <summary>The silo's CPU slot names: cpu0 … for cores (a trial of the built-in trainer uses one per thread).</summary>
    public IReadOnlyList<string> Slots { get; set; } = [.. Enumerable.Range(0, Environment.ProcessorCount).Select(i => $"cpu{i}")];

    /// <summary>The aliases of the trainer commands this silo's operator allowed: the dispatcher offers command campaigns only where they run.</summary>
    public IReadOnlyList<string> Commands { get; set; } = [];

    /// <summary>The device ids of the GPUs the silo offers (what CUDA_VISIBLE_DEVICES names); none by default.</summary>
    public IReadOnlyList<int> Gpus { get; set; } = [];

    /// <summary>How many trials one GPU takes at once.</summary>
    public int TrialsPerGpu { get; set; } = 1;

    /// <summary>The name <c>farm silos</c> shows for the silo's machine (a pod's name in Kubernetes).</summary>
    public string Host { get; set; } = Environment.MachineName;

    /// <summary>
    /// How long a claimed trial stays this silo's in the store without a renewal. The cluster's membership notices a dead
    /// silo within seconds; the lease is the backstop for a silo that is alive but stuck.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the silo reports its slots to the dispatcher (and asks for work it may have missed).</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(2);

    public DrainMode Drain { get; set; } = DrainMode.Finish;

    /// <summary>How long <see cref="DrainMode.Finish"/> waits for running trials before giving them back.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Renew leases three times per lease, so one or two missed renewals do not cost it.</summary>
    public TimeSpan LeaseRenewal => Lease / 3;
}
