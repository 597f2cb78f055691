using System.Runtime.CompilerServices;

namespace EnsembleFarm.Models.Training;

/// <summary>
/// Softmax cross-entropy on K logits per row, and its focal form F = −α (1 − p_t)^γ log p_t
/// (γ = 0 and no α give plain cross-entropy); class weights multiply each row's loss by its class's weight.
/// </summary>
public sealed class SoftmaxCrossEntropyLoss : Loss
{
    private readonly int _classes;
    private readonly float _gamma;
    private readonly float _alpha;
    private readonly float[]? _classWeights;

    public SoftmaxCrossEntropyLoss(int classes, float gamma = 0f, float? alpha = null, IReadOnlyList<float>? classWeights = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        if (classWeights is not null && classWeights.Count != classes)
            throw new ArgumentException($"A {classes}-class loss takes {classes} class weights, got {classWeights.Count}.", nameof(classWeights));
        _classes = classes;
        _gamma = gamma;
        _alpha = alpha ?? 1f;
        _classWeights = classWeights is null ? null : [.. classWeights];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override double Evaluate(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int rows, Span<float> gradient, float gradientScale = 1f)
    {
        var total = 0.0;
        var perRow = (double)gradientScale / rows;
        for (var r = 0; r < rows; r++)
        {
            var logits = outputs.Slice(r * _classes, _classes);
            var target = (int)targets[r];
            var max = double.NegativeInfinity;
            foreach (var z in logits) max = Math.Max(max, z);
            var sum = 0.0;
            foreach (var z in logits) sum += Math.Exp(z - max);
            var logSumExp = max + Math.Log(sum);
            var logP = logits[target] - logSumExp;
            var oneMinusP = -double.ExpM1(logP);
            var weight = _alpha * (_classWeights?[target] ?? 1.0);
            var modulation = _gamma == 0f ? 1.0 : Math.Pow(oneMinusP, _gamma);
            total += -weight * modulation * logP;
            if (gradient.IsEmpty) continue;
            // ∂F/∂z_j = w · ∂F/∂log p_t · ∂log p_t/∂z_j, and ∂log p_t/∂z_j = δ_jt − p_j.
            var common = weight * FocalLogGradient(logP, oneMinusP, _gamma) * perRow;
            var rowGradient = gradient.Slice(r * _classes, _classes);
            for (var j = 0; j < _classes; j++)
            {
                var p = Math.Exp(logits[j] - logSumExp);
                rowGradient[j] = (float)(common * ((j == target ? 1.0 : 0.0) - p));
            }
        }
        return total / rows;
    }
}
