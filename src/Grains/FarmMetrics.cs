using System.Diagnostics.Metrics;

namespace EnsembleFarm.Grains;

/// <summary>
/// The farm's own meters (meter <see cref="MeterName"/>), beside Orleans' and the runtime's: what an operator watches
/// on a dashboard. Rates (trials completed per second, samples per second) are the counters' rates.
/// </summary>
public sealed class FarmMetrics : IDisposable
{
    public const string MeterName = "EnsembleFarm";

    private readonly Meter _meter;
    private long _queued;

    public FarmMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        TrialsStarted = _meter.CreateCounter<long>("ensemblefarm.trials.started", "{trial}", "Trial attempts that started training on this silo");
        TrialsEnded = _meter.CreateCounter<long>("ensemblefarm.trials.ended", "{trial}",
            "Trial attempts that ended on this silo, by outcome (completed, pruned, failed, released, stopped)");
        TrialsRunning = _meter.CreateUpDownCounter<long>("ensemblefarm.trials.running", "{trial}", "Trials training on this silo now");
        _meter.CreateObservableGauge("ensemblefarm.trials.queued", () => Volatile.Read(ref _queued), "{trial}",
            "Trials waiting for a slot in the cluster (reported by the silo that hosts the dispatcher)");
        DispatchLatency = _meter.CreateHistogram<double>("ensemblefarm.dispatch.latency", "ms",
            "From work becoming available to a silo (queued work announced, or a slot freed) to its training starting");
        TrainingSamples = _meter.CreateCounter<long>("ensemblefarm.training.samples", "{sample}", "Training samples processed on this silo");
    }

    public Counter<long> TrialsStarted { get; }

    public Counter<long> TrialsEnded { get; }

    public UpDownCounter<long> TrialsRunning { get; }

    public Histogram<double> DispatchLatency { get; }

    public Counter<long> TrainingSamples { get; }

    /// <summary>The cluster's queued trials, as the dispatcher on this silo counts them.</summary>
    public void SetQueued(long queued) => Volatile.Write(ref _queued, queued);

    public void Dispose() => _meter.Dispose();
}
