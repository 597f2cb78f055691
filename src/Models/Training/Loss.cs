namespace EnsembleFarm.Models.Training;

/// <summary>
/// A training objective on the network's raw outputs (logits for classification). Targets are laid out as
/// in <see cref="Data.Dataset"/>: a class index per row, or the regression values of each row. The spans
/// hold exactly the batch: <c>rows</c> × output width values, and the targets of those rows.
/// </summary>
public abstract class Loss
{
    /// <summary>
    /// Returns the batch's loss (a mean over its rows, or over its elements for regression) and, unless
    /// <paramref name="gradient"/> is empty, writes ∂(<paramref name="gradientScale"/> · loss)/∂outputs into it.
    /// </summary>
    public abstract double Evaluate(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int rows, Span<float> gradient, float gradientScale = 1f);

    /// <summary>The loss <paramref name="spec"/> asks for, checked against the task it must serve.</summary>
    public static Loss Create(LossSpec spec, TaskKind task, int classCount)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var kind = spec.KindFor(task);
        var weights = ClassWeights(spec, task, classCount);
        if (kind == LossKind.Focal && !(spec.FocalGamma >= 0f && float.IsFinite(spec.FocalGamma)))
            throw new ArgumentException($"LossSpec.FocalGamma is {spec.FocalGamma}; it must be a finite number ≥ 0.", nameof(spec));
        if (kind == LossKind.Focal && spec.FocalAlpha is { } alpha && !(alpha is > 0f and < 1f))
            throw new ArgumentException($"LossSpec.FocalAlpha is {alpha}; it must be in (0, 1).", nameof(spec));

        return (kind, task) switch
        {
            (LossKind.BinaryCrossEntropy, TaskKind.Binary) => new SigmoidCrossEntropyLoss(0f, null, weights),
            (LossKind.Focal, TaskKind.Binary) => new SigmoidCrossEntropyLoss(spec.FocalGamma, spec.FocalAlpha, weights),
            (LossKind.SoftmaxCrossEntropy, TaskKind.Multiclass) => new SoftmaxCrossEntropyLoss(classCount, 0f, null, weights),
            (LossKind.Focal, TaskKind.Multiclass) => new SoftmaxCrossEntropyLoss(classCount, spec.FocalGamma, spec.FocalAlpha, weights),
            (LossKind.Mse, TaskKind.Regression) => new MseLoss(),
            (LossKind.Huber, TaskKind.Regression) when spec.HuberDelta > 0f && float.IsFinite(spec.HuberDelta) => new HuberLoss(spec.HuberDelta),
            (LossKind.Huber, TaskKind.Regression) => throw new ArgumentException($"LossSpec.HuberDelta is {spec.HuberDelta}; it must be positive.", nameof(spec)),
            _ => throw new ArgumentException($"Loss {kind} does not fit a {task} task.", nameof(spec)),
        };
    }

    private static float[]? ClassWeights(LossSpec spec, TaskKind task, int classCount)
    {
        if (spec.ClassWeights is null) return null;
        if (task == TaskKind.Regression)
            throw new ArgumentException("LossSpec.ClassWeights apply to classification; this is a regression task.", nameof(spec));
        if (spec.ClassWeights.Count != classCount)
            throw new ArgumentException($"LossSpec.ClassWeights has {spec.ClassWeights.Count} weights but the task has {classCount} classes.", nameof(spec));
        for (var c = 0; c < classCount; c++)
            if (!(spec.ClassWeights[c] >= 0f && float.IsFinite(spec.ClassWeights[c])))
                throw new ArgumentException($"LossSpec.ClassWeights[{c}] is {spec.ClassWeights[c]}; weights must be finite and ≥ 0.", nameof(spec));
        return [.. spec.ClassWeights];
    }

    /// <summary>
    /// ∂F/∂log p for F = −(1 − p)^γ log p: γ p log p (1 − p)^(γ−1) − (1 − p)^γ, taking its limit at p = 1
    /// (−1 for γ = 0, else 0). The chain rule through log p keeps both losses' gradients one line.
    /// </summary>
    private protected static double FocalLogGradient(double logP, double oneMinusP, double gamma)
    {
        if (gamma == 0) return -1;
        if (oneMinusP <= 0) return 0;
        var p = Math.Exp(logP);
        return gamma * p * logP * Math.Pow(oneMinusP, gamma - 1) - Math.Pow(oneMinusP, gamma);
    }
}
