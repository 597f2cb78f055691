using System.Runtime.CompilerServices;

namespace EnsembleFarm.Models.Training;

/// <summary>
/// Huber loss over every output of every row (PyTorch's <c>HuberLoss</c>): r²/2 within δ of the target,
/// δ(|r| − δ/2) beyond, so outliers pull linearly rather than quadratically.
/// </summary>
public sealed class HuberLoss(float delta = 1f) : Loss
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override double Evaluate(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int rows, Span<float> gradient, float gradientScale = 1f)
    {
        var n = outputs.Length;
        var total = 0.0;
        var scale = (double)gradientScale / n;
        for (var i = 0; i < n; i++)
        {
            double residual = outputs[i] - targets[i];
            var inside = Math.Abs(residual) <= delta;
            total += inside ? 0.5 * residual * residual : delta * (Math.Abs(residual) - 0.5 * delta);
            if (!gradient.IsEmpty) gradient[i] = (float)(scale * (inside ? residual : delta * Math.Sign(residual)));
        }
        return total / n;
    }
}
