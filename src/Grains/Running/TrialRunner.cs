using System.Collections.Concurrent;
using System.Diagnostics;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Grains.Training;
using EnsembleFarm.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace EnsembleFarm.Grains.Running;

/// <summary>
/// Runs trials on this silo, in its slots. When it has free slots and there is queued work (the dispatcher wakes it,
/// a trial of its own ended, or its periodic report says so) it asks the dispatcher which campaigns to serve and claims
/// trials from their grains, which claim them in the store under this silo's id. Each trial trains through the
/// <see cref="ITrialTrainer"/> on a thread of its own; every write about it is fenced by its lease, and a refused
/// write means the trial is no longer this silo's, so it is dropped without writing anything more. It renews the
/// leases of its trials, and when the silo stops it drains: finishes or gives back what it holds.
/// </summary>
/// <remarks>
/// It joins the silo's life at <see cref="ServiceLifecycleStage.Active"/>: it starts once the silo can call grains,
/// and on shutdown it drains before the silo stops taking calls, so what it gives back reaches the campaigns.
/// </remarks>
public sealed partial class TrialRunner : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly IGrainFactory _grains;
    private readonly IFarmStore _store;
    private readonly ITrialTrainer _trainer;
    private readonly TrialRunnerOptions _options;
    private readonly FarmMetrics _metrics;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger _logger;
    private readonly SlotPool<string> _slots;
    private readonly SlotPool<int> _gpus;
    private readonly ConcurrentDictionary<long, RunningTrial> _running = new();
    // Attempts this silo stopped after a write of theirs failed: left to their leases (see GiveBackStraysAsync).
    private readonly ConcurrentDictionary<TrialLease, byte> _abandoned = new();
    // The stray attempts the last lease renewal found; only the lease loop reads and writes it.
    private HashSet<TrialLease> _strays = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private Task _loops = Task.CompletedTask;
    private volatile bool _started;
    private volatile bool _draining;
    private FarmStoreException? _storeLost;
    private long _wokeAt = Stopwatch.GetTimestamp();

    /// <summary>How long trials that were told to give back their slots may take to notice.</summary>
    private static readonly TimeSpan ReleaseGrace = TimeSpan.FromSeconds(15);

    public TrialRunner(ILocalSiloDetails silo, IGrainFactory grains, IFarmStore store, ITrialTrainer trainer, IOptions<TrialRunnerOptions> options,
        FarmMetrics metrics, IHostApplicationLifetime lifetime, ILogger<TrialRunner> logger)
    {
        SiloId = silo.SiloAddress.ToParsableString();
        _grains = grains;
        _store = store;
        _trainer = trainer;
        _options = options.Value;
        _metrics = metrics;
        _lifetime = lifetime;
        _logger = logger;
        _slots = new SlotPool<string>(_options.Slots);
        // Each GPU once per trial it may take, round robin, so that trials spread over the GPUs before they share one.
        _gpus = new SlotPool<int>(Enumerable.Repeat(_options.Gpus, _options.TrialsPerGpu).SelectMany(ids => ids));
    }

    /// <summary>This silo's id in the store and the cluster: its address, unique to this process's life.</summary>
    public string SiloId { get; }

    public RunnerState State =>
        _storeLost is not null ? RunnerState.StoreLost : _draining ? RunnerState.Draining : _started ? RunnerState.Running : RunnerState.Starting;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(TrialRunner), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private Task StartAsync(CancellationToken ct)
    {
        LogReady(SiloId, _options.Slots.Count, _options.Gpus.Count == 0 ? "no GPU" : $"GPUs {string.Join(',', _options.Gpus)} × {_options.TrialsPerGpu}");
        _loops = Task.WhenAll(
            Task.Run(() => PullLoopAsync(_stop.Token), CancellationToken.None),
            Task.Run(() => ReportLoopAsync(_stop.Token), CancellationToken.None),
            Task.Run(() => LeaseLoopAsync(_stop.Token), CancellationToken.None));
        _started = true;
        return Task.CompletedTask;
    }

    /// <summary>Something may be queued: look for work now.</summary>
    public void Wake()
    {
        Interlocked.Exchange(ref _wokeAt, Stopwatch.GetTimestamp());
        _wake.Release();
    }

    /// <summary>Stops these trials without writing anything more of them (their campaign ended).</summary>
    public void Stop(IEnumerable<long> trialIds)
    {
        foreach (var trialId in trialIds)
            if (_running.TryGetValue(trialId, out var running)) running.Stop(StopReason.NotOurs);
    }

    public SiloReport Report() => new(SiloId, _options.Host, Environment.ProcessId, _options.Slots, _slots.Free,
        [.. _running.Keys.Order()], _draining, _startedAt, _options.Commands, _options.Gpus, _options.TrialsPerGpu, _gpus.Free);

    private IDispatcherGrain Dispatcher => _grains.GetGrain<IDispatcherGrain>(0);

    private async Task PullLoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(stop);
                // Wake-ups that queued up while this pull ran are answered by it.
                while (_wake.CurrentCount > 0) await _wake.WaitAsync(stop);
                await PullAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (FarmStoreException e)
            {
                OnStoreLost(e);
            }
            catch (Exception e)
            {
                // The dispatcher or a campaign may be moving after a silo died; the next report asks again.
                LogPullFailed(e.Message);
            }
        }
    }

    private async Task PullAsync(CancellationToken stop)
    {
        while (!_draining && _storeLost is null && !stop.IsCancellationRequested && _slots.Free > 0)
        {
            var tickets = await Dispatcher.RequestWorkAsync(SiloId, _slots.Free, _gpus.Free);
            var started = 0;
            foreach (var ticket in tickets)
            {
                var free = Math.Min(ticket.Slots, _slots.Free);
                if (free == 0 || _draining) break;
                foreach (var claim in await _grains.GetGrain<ICampaignGrain>(ticket.CampaignId).ClaimAsync(SiloId, free, _gpus.FreeSlots, _options.Lease))
                {
                    Start(claim);
                    started++;
                }
            }
            // Nothing started: the dispatcher's counts were stale, and the campaigns have told it so; wait for news.
            if (started == 0) return;
        }
    }

    private void Start(ClaimedTrial claim)
    {
        var running = new RunningTrial(claim with { GpuDevices = claim.Trial.Gpus == 0 ? [] : _gpus.Take(claim.Trial.Gpus) }, _slots.Take(claim.Trial.Slots));
        _running[claim.Trial.Id] = running;
        _metrics.DispatchLatency.Record(Stopwatch.GetElapsedTime(Interlocked.Read(ref _wokeAt)).TotalMilliseconds);
        _metrics.TrialsStarted.Add(1);
        _metrics.TrialsRunning.Add(1);
        LogStarted(claim.Campaign.Id, claim.Trial.Index, claim.Lease.Attempt, claim.Trial.Id, string.Join(',', running.Slots.Concat(running.Gpus.Select(id => $"gpu{id}"))));
        running.Completion = Task.Run(() => RunAsync(running));
    }

    private async Task RunAsync(RunningTrial running)
    {
        var claim = running.Claim;
        var outcome = "stopped";
        try
        {
            outcome = await TrainAndStoreAsync(running);
        }
        catch (FarmStoreException e)
        {
            OnStoreLost(e);
        }
        catch (Exception e)
        {
            // The store could not be written: the lease runs out and another attempt picks the trial up.
            _abandoned.TryAdd(claim.Lease, 0);
            LogStoreWriteFailed(e, claim.Campaign.Id, claim.Trial.Index, e.Message);
        }
        finally
        {
            _running.TryRemove(claim.Trial.Id, out _);
            _slots.Return(running.Slots);
            _gpus.Return(running.Gpus);
            _metrics.TrialsRunning.Add(-1);
            _metrics.TrialsEnded.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        }
        if (_storeLost is null)
        {
            await TellCampaignAsync(claim.Campaign.Id, claim.Trial.Id);
            Wake();
        }
    }

    /// <returns>How the attempt ended, for the meters: completed, failed, released or stopped.</returns>
    private async Task<string> TrainAndStoreAsync(RunningTrial running)
    {
        var claim = running.Claim;
        var lease = claim.Lease;
        var stopwatch = Stopwatch.StartNew();
        if (running.Gpus.Count > 0 && !await _store.RecordAttemptGpusAsync(lease, running.Gpus, CancellationToken.None))
        {
            LogNoLongerOurs(claim.Campaign.Id, claim.Trial.Index);
            return "stopped";
        }
        TrialOutcome outcome;
        try
        {
            outcome = await TrainAsync(running);
        }
        catch (OperationCanceledException) when (running.Token.IsCancellationRequested)
        {
            switch (running.Reason)
            {
                case StopReason.Released when await _store.ReleaseTrialAsync(lease, CancellationToken.None):
                    LogReleased(claim.Campaign.Id, claim.Trial.Index);
                    return "released";
                case StopReason.StoreLost:
                    return "stopped";
                case StopReason.Pruned when running.Verdict is { } verdict:
                    if (!await _store.PruneTrialAsync(lease, verdict.Step, verdict.Reason, CancellationToken.None))
                    {
                        LogNoLongerOurs(claim.Campaign.Id, claim.Trial.Index);
                        return "stopped";
                    }
                    LogPruned(claim.Campaign.Id, claim.Trial.Index, verdict.Step, verdict.Reason);
                    return "pruned";
                default:
                    LogNoLongerOurs(claim.Campaign.Id, claim.Trial.Index);
                    return "stopped";
            }
        }
        catch (CampaignUnrunnableException e)
        {
            await _store.FailCampaignAsync(claim.Campaign.Id, e.Message, CancellationToken.None);
            LogCampaignFailed(claim.Campaign.Id, e.Message);
            return "failed";
        }
        catch (TrialNotRetryableException e)
        {
            LogTrialFailed(claim.Campaign.Id, claim.Trial.Index, lease.Attempt, e.Message);
            await FailAttemptAsync(claim, e.Message, retryable: false);
            return "failed";
        }
        catch (Exception e) when (e is not FarmStoreException)
        {
            var message = $"{e.GetType().Name}: {e.Message}";
            LogTrialFailed(claim.Campaign.Id, claim.Trial.Index, lease.Attempt, message);
            await FailAttemptAsync(claim, message, retryable: true);
            return "failed";
        }

        bool stored;
        try
        {
            stored = await _store.CompleteTrialAsync(lease, outcome, CancellationToken.None);
        }
        catch (ArgumentException e)
        {
            // The trainer produced an outcome the store refuses (e.g. predictions for the wrong rows).
            await FailAttemptAsync(claim, e.Message, retryable: true);
            return "failed";
        }
        if (!stored)
        {
            LogResultDiscarded(claim.Campaign.Id, claim.Trial.Index);
            return "stopped";
        }
        LogCompleted(claim.Campaign.Id, claim.Trial.Index, stopwatch.Elapsed.TotalSeconds);
        return "completed";
    }

    /// <summary>
    /// Trains with the epochs reported off the training thread, and returns once every report is written, so that
    /// nothing of the attempt reaches the store after what follows (its result, failure or release).
    /// </summary>
    /// <exception cref="OperationCanceledException">The trial was stopped, or a report was refused (it is no longer ours).</exception>
    private async Task<TrialOutcome> TrainAsync(RunningTrial running)
    {
        var claim = running.Claim;
        // Ensembles have no pruner; a search's campaign grain judges each stored batch of epochs.
        Func<IReadOnlyList<TrialEpoch>, Task<PruneVerdict?>>? judge = claim.Campaign.Kind == "ensemble"
            ? null
            : epochs => _grains.GetGrain<ICampaignGrain>(claim.Campaign.Id).ReportEpochsAsync(claim.Trial.Id, claim.Lease.Attempt, epochs);
        var progress = new LeasedTrialProgress(_store, claim.Lease, () => running.Stop(StopReason.NotOurs), _metrics, judge, running.Prune);
        TrialOutcome outcome;
        try
        {
            outcome = await _trainer.TrainAsync(running.Claim, progress, running.Token);
        }
        catch
        {
            await progress.AbandonAsync();
            throw;
        }
        if (!await progress.FlushAsync()) running.Token.ThrowIfCancellationRequested();
        return outcome;
    }

    private async Task FailAttemptAsync(ClaimedTrial claim, string message, bool retryable)
    {
        if (!await _store.FailTrialAsync(claim.Lease, message, retryable, CancellationToken.None))
            LogNoLongerOurs(claim.Campaign.Id, claim.Trial.Index);
    }

    /// <summary>The campaign reloads the trial from the store; if this call is lost its periodic refresh catches up.</summary>
    private async Task TellCampaignAsync(long campaignId, long trialId)
    {
        try
        {
            await _grains.GetGrain<ICampaignGrain>(campaignId).TrialEndedAsync(trialId);
        }
        catch (Exception e)
        {
            LogTellFailed(campaignId, trialId, e.Message);
        }
    }

    private async Task ReportLoopAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_options.ReportInterval);
        do
        {
            try
            {
                if (await Dispatcher.RegisterSiloAsync(Report()) && _slots.Free > 0) Wake();
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                LogReportFailed(e.Message);
            }
        }
        while (await Tick(timer, stop));
    }

    private async Task LeaseLoopAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_options.LeaseRenewal);
        while (await Tick(timer, stop))
        {
            try
            {
                long[] named = [.. _running.Keys];
                var renewal = await _store.RenewLeasesAsync(SiloId, named, _options.Lease, CancellationToken.None);
                foreach (var trialId in renewal.Lost)
                    if (_running.TryGetValue(trialId, out var running)) running.Stop(StopReason.NotOurs);
                await GiveBackStraysAsync(renewal.Stray, named);
            }
            catch (FarmStoreException e)
            {
                OnStoreLost(e);
            }
            catch (Exception e)
            {
                LogRenewFailed(e.Message);
            }
        }
    }

    /// <summary>
    /// A claim made for this silo whose answer never reached it (the campaign grain that made it lived on a silo that froze
    /// or died) leaves a trial running on this silo in the store that nothing trains; when every lease of the silo was
    /// renewed, it stayed so for ever. One found stray at two renewals in a row, so not a claim whose answer is on its way,
    /// is given back without spending an attempt. One this silo abandoned after a failed write is left to its lease, which
    /// spends the attempt: a trial whose end can never be written must not come back for ever.
    /// </summary>
    /// <param name="named">The trials this renewal named as running: one abandoned after they were named is not stray yet.</param>
    private async Task GiveBackStraysAsync(IReadOnlyList<StrayTrial> strays, long[] named)
    {
        var seenBefore = _strays;
        _strays = [.. strays.Select(s => s.Lease)];
        foreach (var lease in _abandoned.Keys)
            if (!_strays.Contains(lease) && !named.Contains(lease.TrialId)) _abandoned.TryRemove(lease, out _);
        var given = 0;
        foreach (var stray in strays)
        {
            if (!seenBefore.Contains(stray.Lease) || _abandoned.ContainsKey(stray.Lease)) continue;
            if (!await _store.ReleaseTrialAsync(stray.Lease, CancellationToken.None)) continue;
            LogStrayReleased(stray.CampaignId, stray.Lease.TrialId, stray.Lease.Attempt);
            await TellCampaignAsync(stray.CampaignId, stray.Lease.TrialId);
            given++;
        }
        if (given > 0) Wake();
    }

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// The store is gone (its file deleted or damaged, its database unreachable beyond the retries): nothing the trials
    /// report could be kept. They stop without writing, and the silo stops with exit code 4: a supervisor restarting it
    /// against a repaired store is the remedy, and retrying here would only repeat the error.
    /// </summary>
    private void OnStoreLost(FarmStoreException error)
    {
        if (Interlocked.CompareExchange(ref _storeLost, error, null) is not null) return;
        LogStoreLost(error.Message);
        foreach (var running in _running.Values) running.Stop(StopReason.StoreLost);
        Environment.ExitCode = FarmExitCodes.StoreUnusable;
        _lifetime.StopApplication();
    }

    /// <summary>
    /// The silo stops. Gracefully (SIGTERM): drain. Killed (the lifecycle's token is already cancelled): like a crash,
    /// the trials stop where they are and write nothing; the cluster requeues them when it declares this silo dead.
    /// </summary>
    private async Task StopAsync(CancellationToken ct)
    {
        _draining = true;
        if (ct.IsCancellationRequested)
        {
            foreach (var running in _running.Values) running.Stop(StopReason.StoreLost);
        }
        else
        {
            try
            {
                await DrainAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or TimeoutException)
            {
                LogDrainCut(_running.Count);
            }
        }
        await _stop.CancelAsync();
        await SiloStop.WaitForLoopsAsync(_loops, ct);
    }

    private async Task DrainAsync(CancellationToken ct)
    {
        if (_storeLost is null)
        {
            try
            {
                await Dispatcher.SiloStoppingAsync(SiloId).WaitAsync(TimeSpan.FromSeconds(5), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogReportFailed(e.Message);
            }
        }
        var holding = _running.Values.ToList();
        if (holding.Count == 0) return;

        LogDraining(holding.Count, _options.Drain);
        var finished = Task.WhenAll(holding.Select(r => r.Completion));
        if (_options.Drain == DrainMode.Finish && _storeLost is null)
            await Task.WhenAny(finished, Task.Delay(_options.DrainTimeout, ct));
        if (!finished.IsCompleted)
        {
            LogReleasing(_running.Count);
            foreach (var running in holding) running.Stop(StopReason.Released);
        }
        // A trainer that ignores its cancellation must not hold the silo up for ever.
        await finished.WaitAsync(ReleaseGrace, ct);
    }
}
