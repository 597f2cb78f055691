using System.Runtime.CompilerServices;

namespace EnsembleFarm.Models.Training;

/// <summary>Mean squared error over every output of every row (PyTorch's <c>MSELoss</c>).</summary>
public sealed class MseLoss : Loss
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override double Evaluate(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int rows, Span<float> gradient, float gradientScale = 1f)
    {
        var n = outputs.Length;
        var total = 0.0;
        var scale = 2.0 * gradientScale / n;
        for (var i = 0; i < n; i++)
        {
            double residual = outputs[i] - targets[i];
            total += residual * residual;
            if (!gradient.IsEmpty) gradient[i] = (float)(scale * residual);
        }
        return total / n;
    }
}
