using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using EnsembleFarm.Store;
using EnsembleFarm.Silo.Training;
using Microsoft.Extensions.Logging;

namespace EnsembleFarm.Silo;

/// <summary>
/// One silo's work, independent of hosting: it registers, heartbeats (renewing its leases and recovering the
/// trials of silos that died), claims queued trials into its free slots and runs each through the trainer,
/// storing what it leaves. When told to stop claiming it drains: finishes or releases what it holds, then
/// marks itself stopped. Every write about a trial is fenced by the trial's lease; a refused write means the
/// trial is no longer this silo's, and the silo drops it without writing anything more.
/// </summary>
public sealed partial class SiloRunner
{
    private readonly IFarmStore _store;
    private readonly ITrialTrainer _trainer;
    private readonly SiloOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly SlotPool _slots;
    private readonly ConcurrentDictionary<long, RunningTrial> _running = new();
    private readonly SemaphoreSlim _trialEnded = new(0);
    private FarmStoreException? _storeLost;

    public SiloRunner(IFarmStore store, ITrialTrainer trainer, SiloOptions options, ILogger<SiloRunner> logger, TimeProvider? clock = null)
    {
        _store = store;
        _trainer = trainer;
        _options = options;
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
        _slots = new SlotPool(options.SlotNames);
    }

    /// <summary>
    /// Runs the silo until <paramref name="stopClaiming"/> is cancelled (SIGTERM) or, with
    /// <see cref="SiloOptions.OnceIdleExit"/>, until the farm has no work left; then drains and returns.
    /// </summary>
    /// <exception cref="FarmStoreException">
    /// The store became unusable (its file deleted or damaged): the running trials were stopped without writing,
    /// since nothing they report could be kept, and retrying would only repeat the error.
    /// </exception>
    /// <param name="onReady">Called once the silo is registered and about to claim.</param>
    public async Task RunAsync(CancellationToken stopClaiming, Action? onReady = null)
    {
        var now = _clock.GetUtcNow();
        await _store.RegisterSiloAsync(
            new SiloRecord(_options.Id, Environment.MachineName, Environment.ProcessId, _options.SlotNames, SiloState.Active, now, now),
            CancellationToken.None);
        LogReady(_options.Id, _options.Slots);
        onReady?.Invoke();

        using var stopHeartbeats = new CancellationTokenSource();
        var heartbeats = HeartbeatLoopAsync(stopHeartbeats.Token);
        try
        {
            await ClaimLoopAsync(stopClaiming);
            if (_storeLost is null) await DrainAsync();
            else await AbandonRunningTrialsAsync();
        }
        finally
        {
            // Leases are renewed until the last trial is finished or released.
            await stopHeartbeats.CancelAsync();
            await heartbeats;
        }
        if (_storeLost is { } lost)
        {
            LogStoreLost(lost.Message);
            ExceptionDispatchInfo.Throw(lost);
        }
        await SetStateAsync(SiloState.Stopped);
        LogStopped(_options.Id);
    }

    private async Task ClaimLoopAsync(CancellationToken stopClaiming)
    {
        while (!stopClaiming.IsCancellationRequested && _storeLost is null)
        {
            try
            {
                var free = _slots.Free;
                if (free > 0)
                {
                    var claimed = await _store.ClaimTrialsAsync(_options.Id, free, _options.Lease, stopClaiming);
                    foreach (var trial in claimed) Start(trial);
                    if (claimed.Count == 0 && _options.OnceIdleExit && _running.IsEmpty && !await FarmHasOpenCampaignsAsync(stopClaiming))
                    {
                        LogIdle();
                        return;
                    }
                }
                await _trialEnded.WaitAsync(_options.Poll, stopClaiming);
            }
            catch (OperationCanceledException) when (stopClaiming.IsCancellationRequested)
            {
                return;
            }
            catch (FarmStoreException e)
            {
                OnStoreLost(e);
            }
            catch (Exception e)
            {
                LogClaimFailed(e, e.Message);
                await DelayUnlessStoppedAsync(_options.Poll, stopClaiming);
            }
        }
    }

    private async Task<bool> FarmHasOpenCampaignsAsync(CancellationToken ct) =>
        (await _store.ListCampaignsAsync(ct)).Any(c => c.State is CampaignState.Queued or CampaignState.Running);

    private void Start(ClaimedTrial claim)
    {
        var running = new RunningTrial(claim, _slots.Take(claim.Trial.Slots));
        _running[claim.Trial.Id] = running;
        LogClaimed(claim.Trial.Id, claim.Campaign.Id, claim.Trial.Index, claim.Lease.Attempt, string.Join(',', running.Slots));
        running.Completion = Task.Run(() => RunTrialAsync(running));
    }

    private async Task RunTrialAsync(RunningTrial running)
    {
        try
        {
            await TrainAndStoreAsync(running);
        }
        catch (FarmStoreException e)
        {
            OnStoreLost(e);
        }
        catch (Exception e)
        {
            // The store could not be written: the lease runs out and another attempt picks the trial up.
            LogStoreWriteFailed(e, running.Claim.Trial.Id, e.Message);
        }
        finally
        {
            _running.TryRemove(running.Claim.Trial.Id, out _);
            _slots.Return(running.Slots);
            _trialEnded.Release();
        }
    }

    private async Task TrainAndStoreAsync(RunningTrial running)
    {
        var claim = running.Claim;
        var lease = claim.Lease;
        var stopwatch = Stopwatch.StartNew();
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
                    LogReleased(lease.TrialId);
                    break;
                case StopReason.StoreLost:
                    break;
                default:
                    LogLeaseLost(lease.TrialId);
                    break;
            }
            return;
        }
        catch (CampaignUnrunnableException e)
        {
            await _store.FailCampaignAsync(claim.Campaign.Id, e.Message, CancellationToken.None);
            LogCampaignFailed(claim.Campaign.Id, e.Message);
            return;
        }
        catch (TrialNotRetryableException e)
        {
            LogTrialFailed(e, lease.TrialId, lease.Attempt, e.Message);
            await FailAttemptAsync(lease, e.Message, retryable: false);
            return;
        }
        catch (Exception e)
        {
            await FailAttemptAsync(lease, e);
            return;
        }

        bool stored;
        try
        {
            stored = await _store.CompleteTrialAsync(lease, outcome, CancellationToken.None);
        }
        catch (ArgumentException e)
        {
            // The trainer produced an outcome the store refuses (e.g. predictions for the wrong rows).
            await FailAttemptAsync(lease, e);
            return;
        }
        if (stored) LogCompleted(lease.TrialId, stopwatch.Elapsed.TotalSeconds);
        else LogResultDiscarded(lease.TrialId);
    }

    /// <summary>
    /// Trains with the epochs reported off the training thread, and returns once every report is written, so that
    /// nothing of the attempt reaches the store after what follows (its result, failure or release).
    /// </summary>
    /// <exception cref="OperationCanceledException">The trial was stopped, or a report was refused (its lease is lost).</exception>
    private async Task<TrialOutcome> TrainAsync(RunningTrial running)
    {
        var progress = new LeasedTrialProgress(_store, running.Claim.Lease, () => running.Stop(StopReason.LeaseLost));
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

    private async Task FailAttemptAsync(TrialLease lease, Exception error)
    {
        var message = $"{error.GetType().Name}: {error.Message}";
        LogTrialFailed(error, lease.TrialId, lease.Attempt, message);
        await FailAttemptAsync(lease, message, retryable: true);
    }

    private async Task FailAttemptAsync(TrialLease lease, string message, bool retryable)
    {
        if (!await _store.FailTrialAsync(lease, message, retryable, CancellationToken.None)) LogLeaseLost(lease.TrialId);
    }

    private async Task HeartbeatLoopAsync(CancellationToken stop)
    {
        while (await DelayUnlessStoppedAsync(_options.Heartbeat, stop))
            await HeartbeatAsync();
    }

    private async Task HeartbeatAsync()
    {
        try
        {
            foreach (var trialId in await _store.HeartbeatAsync(_options.Id, _options.Lease, CancellationToken.None))
            {
                if (_running.TryGetValue(trialId, out var running)) running.Stop(StopReason.LeaseLost);
            }
            var recovered = await _store.RecoverExpiredLeasesAsync(_clock.GetUtcNow(), CancellationToken.None);
            if (recovered > 0) LogRecovered(recovered);
        }
        catch (FarmStoreException e)
        {
            OnStoreLost(e);
        }
        catch (Exception e)
        {
            LogHeartbeatFailed(e, e.Message);
        }
    }

    /// <summary>
    /// The first sign that the store is gone wakes the claim loop, which ends the silo; the heartbeat sees it
    /// first when every slot is busy and the claim loop does not touch the store.
    /// </summary>
    private void OnStoreLost(FarmStoreException error)
    {
        if (Interlocked.CompareExchange(ref _storeLost, error, null) is null) _trialEnded.Release();
    }

    /// <summary>Stops every running trial without a write: nothing they report could be stored.</summary>
    private async Task AbandonRunningTrialsAsync()
    {
        var holding = _running.Values.ToList();
        foreach (var running in holding) running.Stop(StopReason.StoreLost);
        await Task.WhenAll(holding.Select(r => r.Completion));
    }

    private async Task DrainAsync()
    {
        await SetStateAsync(SiloState.Draining);
        var holding = _running.Values.ToList();
        if (holding.Count == 0) return;

        LogDraining(holding.Count, _options.Drain);
        var finished = Task.WhenAll(holding.Select(r => r.Completion));
        if (_options.Drain == DrainMode.Finish)
            await Task.WhenAny(finished, Task.Delay(_options.DrainTimeout, _clock));
        if (!finished.IsCompleted)
        {
            LogReleasing(_running.Count);
            foreach (var running in holding) running.Stop(StopReason.Released);
        }
        await finished;
    }

    private async Task SetStateAsync(SiloState state)
    {
        try
        {
            await _store.SetSiloStateAsync(_options.Id, state, CancellationToken.None);
        }
        catch (Exception e)
        {
            LogStateFailed(e, state, e.Message);
        }
    }

    /// <returns>False when <paramref name="stop"/> ended the wait.</returns>
    private async Task<bool> DelayUnlessStoppedAsync(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, _clock, stop);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private enum StopReason { None, LeaseLost, Released, StoreLost }

    private sealed class RunningTrial(ClaimedTrial claim, IReadOnlyList<string> slots)
    {
        private readonly CancellationTokenSource _cancellation = new();
        private int _reason;

        public ClaimedTrial Claim => claim;
        public IReadOnlyList<string> Slots => slots;
        public Task Completion { get; set; } = Task.CompletedTask;
        public CancellationToken Token => _cancellation.Token;

        /// <summary>Why the trial was stopped; the first reason given wins.</summary>
        public StopReason Reason => (StopReason)Volatile.Read(ref _reason);

        public void Stop(StopReason reason)
        {
            Interlocked.CompareExchange(ref _reason, (int)reason, (int)StopReason.None);
            _cancellation.Cancel();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "silo {SiloId} registered with {Slots} slots")]
    private partial void LogReady(string siloId, int slots);

    [LoggerMessage(Level = LogLevel.Information, Message = "trial {TrialId} claimed (campaign {CampaignId} #{Index}, attempt {Attempt}, slots {Slots})")]
    private partial void LogClaimed(long trialId, long campaignId, int index, int attempt, string slots);

    [LoggerMessage(Level = LogLevel.Information, Message = "trial {TrialId} completed in {Seconds:F1} s")]
    private partial void LogCompleted(long trialId, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "trial {TrialId} failed on attempt {Attempt}: {Error}")]
    private partial void LogTrialFailed(Exception exception, long trialId, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "trial {TrialId} released back to the queue")]
    private partial void LogReleased(long trialId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "trial {TrialId} is no longer this silo's (lease expired or campaign ended); dropped")]
    private partial void LogLeaseLost(long trialId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "trial {TrialId} finished after its lease was lost; result discarded")]
    private partial void LogResultDiscarded(long trialId);

    [LoggerMessage(Level = LogLevel.Error, Message = "campaign {CampaignId} failed: {Reason}")]
    private partial void LogCampaignFailed(long campaignId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "trial {TrialId}: could not write to the store ({Error}); its lease will expire and it will be retried")]
    private partial void LogStoreWriteFailed(Exception exception, long trialId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "claim failed: {Error}")]
    private partial void LogClaimFailed(Exception exception, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "heartbeat failed: {Error}")]
    private partial void LogHeartbeatFailed(Exception exception, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not mark the silo {State}: {Error}")]
    private partial void LogStateFailed(Exception exception, SiloState state, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "recovered {Count} trials whose silos stopped heartbeating")]
    private partial void LogRecovered(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "draining: {Count} trials running ({Mode})")]
    private partial void LogDraining(int count, DrainMode mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "releasing {Count} unfinished trials")]
    private partial void LogReleasing(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "no open campaign left; exiting")]
    private partial void LogIdle();

    [LoggerMessage(Level = LogLevel.Critical, Message = "the store cannot be used any more; stopping the silo and its trials: {Error}")]
    private partial void LogStoreLost(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "silo {SiloId} stopped")]
    private partial void LogStopped(string siloId);
}
