using EnsembleFarm.Models.Metrics;

namespace EnsembleFarm.Models.Training;

/// <summary>
/// Watches one epoch metric: an epoch improves on the best so far when it is better by more than
/// MinDelta; training stops after Patience epochs without improvement.
/// </summary>
internal sealed class EarlyStopping
{
    private readonly EarlyStoppingSpec _spec;
    private readonly bool _maximize;
    private double _best;
    private int _epochsWithoutImprovement;

    public EarlyStopping(EarlyStoppingSpec spec)
    {
        if (spec.Patience < 1) throw new ArgumentException($"EarlyStoppingSpec.Patience is {spec.Patience}; it must be at least 1.", nameof(spec));
        if (!(spec.MinDelta >= 0)) throw new ArgumentException($"EarlyStoppingSpec.MinDelta is {spec.MinDelta}; it must be ≥ 0.", nameof(spec));
        _spec = spec;
        _maximize = spec.Maximize ?? TaskMetrics.IsHigherBetter(spec.Metric);
        _best = _maximize ? double.NegativeInfinity : double.PositiveInfinity;
    }

    public int BestEpoch { get; private set; }
    public bool ShouldStop => _epochsWithoutImprovement >= _spec.Patience;

    /// <summary>Records an epoch; returns whether it is the new best.</summary>
    public bool Observe(EpochReport report)
    {
        var value = report.Metrics[_spec.Metric];
        var improved = !double.IsNaN(value) && (_maximize ? value > _best + _spec.MinDelta : value < _best - _spec.MinDelta);
        if (improved)
        {
            _best = value;
            BestEpoch = report.Epoch;
            _epochsWithoutImprovement = 0;
        }
        else
        {
            _epochsWithoutImprovement++;
        }
        return improved;
    }
}
