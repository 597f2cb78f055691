using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;

namespace EnsembleFarm.Grains.Running;

/// <summary>A trial training on this silo: its claim (with the GPUs it was given), the CPU slots it holds, and how to stop it.</summary>
internal sealed class RunningTrial(ClaimedTrial claim, IReadOnlyList<string> slots)
{
    private readonly CancellationTokenSource _cancellation = new();
    private int _reason;

    public ClaimedTrial Claim => claim;

    public IReadOnlyList<string> Slots => slots;

    /// <summary>The device ids of the GPUs it holds (the claim's <see cref="ClaimedTrial.GpuDevices"/>).</summary>
    public IReadOnlyList<int> Gpus => claim.GpuDevices ?? [];

    public Task Completion { get; set; } = Task.CompletedTask;

    public CancellationToken Token => _cancellation.Token;

    /// <summary>Why the trial was stopped; the first reason given wins.</summary>
    public StopReason Reason => (StopReason)Volatile.Read(ref _reason);

    /// <summary>Why its search's pruner stopped it, when it did.</summary>
    public PruneVerdict? Verdict { get; private set; }

    public void Prune(PruneVerdict verdict)
    {
        Verdict = verdict;
        Stop(StopReason.Pruned);
    }

    public void Stop(StopReason reason)
    {
        Interlocked.CompareExchange(ref _reason, (int)reason, (int)StopReason.None);
        _cancellation.Cancel();
    }
}
