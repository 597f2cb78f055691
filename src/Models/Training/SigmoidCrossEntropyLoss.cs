using System.Runtime.CompilerServices;

namespace EnsembleFarm.Models.Training;

/// <summary>
/// Binary cross-entropy on one logit per row, and its focal form F = −α_t (1 − p_t)^γ log p_t
/// (γ = 0 and no α give plain cross-entropy). α weighs positives, 1 − α negatives; class weights multiply
/// each row's loss by its class's weight. Computed from the logit through log-sigmoid, so it stays finite
/// for any logit.
/// </summary>
public sealed class SigmoidCrossEntropyLoss(float gamma = 0f, float? alpha = null, IReadOnlyList<float>? classWeights = null) : Loss
{
    private readonly float[]? _classWeights = classWeights is null ? null
        : classWeights.Count == 2 ? [.. classWeights]
        : throw new ArgumentException($"A binary loss takes 2 class weights, got {classWeights.Count}.", nameof(classWeights));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override double Evaluate(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int rows, Span<float> gradient, float gradientScale = 1f)
    {
        var total = 0.0;
        var perRow = (double)gradientScale / rows;
        for (var r = 0; r < rows; r++)
        {
            var positive = targets[r] > 0.5f;
            var sign = positive ? 1.0 : -1.0;
            var margin = sign * outputs[r];
            var logP = -Softplus(-margin);       // log p_t
            var logOneMinusP = -Softplus(margin); // log (1 − p_t)
            var oneMinusP = Math.Exp(logOneMinusP);
            var weight = (alpha is { } a ? (positive ? a : 1.0 - a) : 1.0) * (_classWeights?[positive ? 1 : 0] ?? 1.0);
            var modulation = gamma == 0f ? 1.0 : Math.Pow(oneMinusP, gamma);
            total += -weight * modulation * logP;
            // ∂F/∂z = w · ∂F/∂log p_t · ∂log p_t/∂z, and ∂log p_t/∂z = s·(1 − p_t).
            if (!gradient.IsEmpty) gradient[r] = (float)(weight * sign * oneMinusP * FocalLogGradient(logP, oneMinusP, gamma) * perRow);
        }
        return total / rows;
    }

    private static double Softplus(double x) => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));
}
