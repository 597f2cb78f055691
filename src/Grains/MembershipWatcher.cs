using EnsembleFarm.GrainInterfaces;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace EnsembleFarm.Grains;

/// <summary>
/// Tells the dispatcher the moment this silo learns that the cluster declared a silo dead, so the dead silo's trials
/// are requeued at once rather than when their leases run out. Every silo tells it; the dispatcher acts once.
/// </summary>
internal sealed partial class MembershipWatcher(IClusterMembershipService membership, IGrainFactory grains, ILogger<MembershipWatcher> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stop = new();
    private Task _watching = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(MembershipWatcher), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private Task StartAsync(CancellationToken ct)
    {
        _watching = Task.Run(() => WatchAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken ct)
    {
        await _stop.CancelAsync();
        await SiloStop.WaitForLoopsAsync(_watching, ct);
    }

    private async Task WatchAsync(CancellationToken stop)
    {
        var dead = new HashSet<SiloAddress>();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stop))
            {
                var newlyDead = snapshot.Members.Values
                    .Where(m => m.Status == SiloStatus.Dead && dead.Add(m.SiloAddress))
                    .Select(m => m.SiloAddress.ToParsableString())
                    .ToList();
                if (newlyDead.Count > 0) await TellAsync(newlyDead, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task TellAsync(IReadOnlyList<string> siloIds, CancellationToken stop)
    {
        // The dispatcher may itself have lived on a dead silo and be moving: try a few times, then leave it to its sweep.
        for (var attempt = 1; attempt <= 3 && !stop.IsCancellationRequested; attempt++)
        {
            try
            {
                await grains.GetGrain<IDispatcherGrain>(0).SilosDeadAsync(siloIds);
                return;
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                LogTellFailed(string.Join(", ", siloIds), attempt, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(attempt), stop);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not tell the dispatcher that {SiloIds} died (attempt {Attempt}): {Error}")]
    private partial void LogTellFailed(string siloIds, int attempt, string error);
}
