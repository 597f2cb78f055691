namespace EnsembleFarm.Models.Training;

/// <summary>
/// The learning rate of each epoch: during the W warm-up epochs it rises linearly, lr·(e + 1)/(W + 1); the
/// schedule then runs over the remaining epochs: constant, step decay (×γ every n epochs) or cosine
/// annealing that reaches the floor at the last epoch.
/// </summary>
public sealed class LearningRateSchedule
{
    private readonly ScheduleSpec _spec;
    private readonly float _baseRate;
    private readonly int _epochs;

    public LearningRateSchedule(ScheduleSpec spec, float baseRate, int epochs)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.WarmupEpochs < 0) throw new ArgumentException($"ScheduleSpec.WarmupEpochs is {spec.WarmupEpochs}; it must be ≥ 0.", nameof(spec));
        if (spec.Kind == ScheduleKind.Step && spec.StepEpochs <= 0)
            throw new ArgumentException($"ScheduleSpec.StepEpochs is {spec.StepEpochs}; it must be positive.", nameof(spec));
        if (spec.Kind == ScheduleKind.Cosine && !(spec.MinLearningRate >= 0f && spec.MinLearningRate <= baseRate))
            throw new ArgumentException($"ScheduleSpec.MinLearningRate is {spec.MinLearningRate}; it must be in [0, {baseRate}].", nameof(spec));
        _spec = spec;
        _baseRate = baseRate;
        _epochs = epochs;
    }

    /// <summary>The rate for <paramref name="epoch"/> (0-based).</summary>
    public float At(int epoch)
    {
        var warmup = _spec.WarmupEpochs;
        if (epoch < warmup) return _baseRate * (epoch + 1) / (warmup + 1);
        var e = epoch - warmup;
        var span = _epochs - warmup;
        return _spec.Kind switch
        {
            ScheduleKind.Constant => _baseRate,
            ScheduleKind.Step => _baseRate * MathF.Pow(_spec.StepGamma, e / _spec.StepEpochs),
            ScheduleKind.Cosine => span <= 1
                ? _baseRate
                : _spec.MinLearningRate + (_baseRate - _spec.MinLearningRate) * 0.5f * (1f + MathF.Cos(MathF.PI * e / (span - 1))),
            _ => throw new InvalidOperationException($"Unknown schedule {_spec.Kind}."),
        };
    }
}
