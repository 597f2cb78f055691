using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using EnsembleFarm.Store;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Grains.Training;

namespace EnsembleFarm.Grains.Running;

/// <summary>
/// Stores a trial's epochs under its lease without making the training wait for the store: a report is queued
/// and the trainer goes on at once, while this trial's writer stores whatever has queued up since its last write
/// in one fenced transaction. A synchronous write per epoch cost about 1 ms (the store's write lock, shared with
/// other writers) against epochs of a few milliseconds.
/// </summary>
/// <remarks>
/// Consequences, each by design:
/// <list type="bullet">
/// <item>A refused write (the attempt is no longer current) is seen when it is answered, so the training stops
/// one or two epochs later than with synchronous writes: <c>onLeaseLost</c> cancels its token, and the next
/// report returns false. What it trains meanwhile is never stored (every write is fenced).</item>
/// <item>A store that fails a write fails the trial as it did before: the next report (or
/// <see cref="FlushAsync"/>) throws that error on the training's path.</item>
/// <item>Pruners will answer from the latest stored values, so a pruning decision may lag by an epoch. That is
/// still the right trade: a pruner compares learning curves over many epochs, and one more epoch of a trial that
/// will be pruned costs less than making every epoch of every trial wait for the store.</item>
/// </list>
/// </remarks>
internal sealed class LeasedTrialProgress : ITrialProgress
{
    private readonly IFarmStore _store;
    private readonly TrialLease _lease;
    private readonly Action _onLeaseLost;
    private readonly FarmMetrics _metrics;
    private readonly Func<IReadOnlyList<TrialEpoch>, Task<PruneVerdict?>>? _judge;
    private readonly Action<PruneVerdict> _onPruned;
    private readonly Channel<(int Epoch, IReadOnlyDictionary<string, double> Metrics)> _pending =
        Channel.CreateUnbounded<(int, IReadOnlyDictionary<string, double>)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task<bool> _writer;
    private volatile bool _refused;
    private volatile ExceptionDispatchInfo? _writeFailure;

    /// <param name="judge">
    /// Asked after each stored batch whether the trial should go on (a search's pruner, through its campaign's grain);
    /// null when nothing prunes this trial.
    /// </param>
    /// <param name="onPruned">Stops the training when the judge says so.</param>
    public LeasedTrialProgress(IFarmStore store, TrialLease lease, Action onLeaseLost, FarmMetrics metrics,
        Func<IReadOnlyList<TrialEpoch>, Task<PruneVerdict?>>? judge = null, Action<PruneVerdict>? onPruned = null)
    {
        _store = store;
        _lease = lease;
        _onLeaseLost = onLeaseLost;
        _metrics = metrics;
        _judge = judge;
        _onPruned = onPruned ?? (_ => { });
        _writer = Task.Run(WriteAsync);
    }

    public bool ReportEpoch(int epoch, IReadOnlyDictionary<string, double> metrics, long samples)
    {
        _writeFailure?.Throw();
        if (_refused) return false;
        _metrics.TrainingSamples.Add(samples);
        if (!_pending.Writer.TryWrite((epoch, metrics)))
            throw new InvalidOperationException($"trial {_lease.TrialId}: an epoch was reported after its training ended");
        return true;
    }

    /// <summary>
    /// Ends the trial's reporting and waits until every queued epoch is stored, so that the stored learning curve
    /// is complete before the trial's result. False: a write was refused (the attempt is no longer current).
    /// </summary>
    /// <exception cref="Exception">The store failed a write; the error as the store threw it.</exception>
    public async Task<bool> FlushAsync()
    {
        _pending.Writer.TryComplete();
        var stored = await _writer.ConfigureAwait(false);
        _writeFailure?.Throw();
        return stored;
    }

    /// <summary>Ends the trial's reporting after a failed or stopped training, whose own error is the one that counts.</summary>
    public async Task AbandonAsync()
    {
        _pending.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    /// <summary>The judge's verdict; a judge that cannot be reached (its grain moving) lets the trial go on.</summary>
    private async Task<PruneVerdict?> JudgeAsync(List<(int Epoch, IReadOnlyDictionary<string, double> Metrics)> batch)
    {
        try
        {
            return await _judge!([.. batch.Select(e => new TrialEpoch(e.Epoch, e.Metrics))]).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null;
        }
    }

    /// <returns>False when a write was refused or the trial was pruned; the writer then stops and drops what is queued.</returns>
    private async Task<bool> WriteAsync()
    {
        var batch = new List<(int Epoch, IReadOnlyDictionary<string, double> Metrics)>();
        var reader = _pending.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (reader.TryRead(out var report)) batch.Add(report);
            bool stored;
            try
            {
                // No cancellation: a flushed curve must be written in full, and a stale write is refused by the fence anyway.
                stored = await _store.ReportEpochsAsync(_lease, batch, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _writeFailure = ExceptionDispatchInfo.Capture(e);
                return false;
            }
            if (!stored)
            {
                _refused = true;
                _onLeaseLost();
                return false;
            }
            if (_judge is not null && await JudgeAsync(batch).ConfigureAwait(false) is { } verdict)
            {
                // Stopped like a refused write: no more reports, and what it trains meanwhile is not stored.
                _refused = true;
                _onPruned(verdict);
                return false;
            }
        }
        return true;
    }
}
