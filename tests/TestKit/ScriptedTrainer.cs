using System.Collections.Concurrent;
using EnsembleFarm.Grains.Training;
using EnsembleFarm.Store;

namespace EnsembleFarm.TestKit;

/// <summary>
/// A trainer whose every trial does what the test says (wait for a gate, fail, take a while), so the grains' scheduling
/// can be observed exactly. It produces a valid outcome for the campaign's test rows, and it records, per silo, how
/// many trials ran at once and which attempts started.
/// </summary>
public sealed class ScriptedTrainer(IFarmStore store) : ITrialTrainer
{
    private readonly ConcurrentDictionary<string, int> _runningBySilo = new();
    private readonly ConcurrentDictionary<string, int> _peakBySilo = new();

    /// <summary>What a trial does before it returns its outcome (default: nothing). Throw to fail the attempt.</summary>
    public Func<ClaimedTrial, CancellationToken, Task> Behaviour { get; set; } = (_, _) => Task.CompletedTask;

    /// <summary>How a trial reports its learning curve (default: one epoch, val_loss 0.5), before <see cref="Behaviour"/>.</summary>
    public Func<ClaimedTrial, ITrialProgress, CancellationToken, Task> Reporting { get; set; } = (_, progress, _) =>
    {
        progress.ReportEpoch(0, new Dictionary<string, double> { ["val_loss"] = 0.5 }, samples: 100);
        return Task.CompletedTask;
    };

    /// <summary>The final metrics a completed trial stores (default: auc 0.5); a search's objectives read them.</summary>
    public Func<ClaimedTrial, IReadOnlyDictionary<string, double>> FinalMetrics { get; set; } = _ => new Dictionary<string, double> { ["auc"] = 0.5 };

    /// <summary>The value member i predicts for the k-th value of its test predictions (default: i / 100 everywhere, so aggregates can be checked by hand).</summary>
    public Func<int, int, float> Prediction { get; set; } = (member, _) => 0.01f * member;

    /// <summary>Values per test row: 1 for binary and regression, the class count for multi-class.</summary>
    public int PredictionWidth { get; set; } = 1;

    public ConcurrentQueue<TrialLease> Started { get; } = new();

    public ConcurrentQueue<TrialLease> Cancelled { get; } = new();

    public int PeakConcurrency(string siloId) => _peakBySilo.GetValueOrDefault(siloId);

    public async Task<TrialOutcome> TrainAsync(ClaimedTrial trial, ITrialProgress progress, CancellationToken ct)
    {
        var silo = trial.Lease.SiloId;
        var now = _runningBySilo.AddOrUpdate(silo, 1, (_, n) => n + 1);
        _peakBySilo.AddOrUpdate(silo, now, (_, peak) => Math.Max(peak, now));
        Started.Enqueue(trial.Lease);
        try
        {
            await Reporting(trial, progress, ct);
            await Behaviour(trial, ct);
            var rows = (await store.GetTestSetAsync(trial.Campaign.Id, CancellationToken.None)).RowIndices.Length;
            var predictions = Enumerable.Range(0, rows * PredictionWidth).Select(k => Prediction(trial.Trial.Index, k)).ToArray();
            return new TrialOutcome(FinalMetrics(trial), predictions, PredictionWidth, [1, 2, 3], "{}");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Cancelled.Enqueue(trial.Lease);
            throw;
        }
        finally
        {
            _runningBySilo.AddOrUpdate(silo, 0, (_, n) => n - 1);
        }
    }
}
