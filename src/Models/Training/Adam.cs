using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EnsembleFarm.Models.Nn;

namespace EnsembleFarm.Models.Training;

/// <summary>
/// Adam, and AdamW when the weight decay is decoupled (w ← w·(1 − lr·λ) before the Adam step) instead of
/// added to the gradient as an L2 penalty. Bias correction as in PyTorch.
/// </summary>
public sealed class Adam : Optimizer
{
    private readonly float _beta1;
    private readonly float _beta2;
    private readonly float _epsilon;
    private readonly float _weightDecay;
    private readonly bool _decoupled;
    private readonly float[][] _firstMoment;
    private readonly float[][] _secondMoment;
    private int _steps;

    public Adam(IReadOnlyList<Parameter> parameters, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f,
        float weightDecay = 0f, bool decoupledWeightDecay = false) : base(parameters)
    {
        if (!(beta1 is >= 0f and < 1f)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "Beta1 must be in [0, 1).");
        if (!(beta2 is >= 0f and < 1f)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "Beta2 must be in [0, 1).");
        if (!(epsilon > 0f)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon must be positive.");
        _beta1 = beta1;
        _beta2 = beta2;
        _epsilon = epsilon;
        _weightDecay = weightDecay;
        _decoupled = decoupledWeightDecay;
        _firstMoment = [.. parameters.Select(p => new float[p.Length])];
        _secondMoment = [.. parameters.Select(p => new float[p.Length])];
    }

    public override void Step(float learningRate)
    {
        _steps++;
        var stepSize = learningRate / (1f - MathF.Pow(_beta1, _steps));
        var inverseSqrtCorrection2 = 1f / MathF.Sqrt(1f - MathF.Pow(_beta2, _steps));
        var decay = _decoupled ? 1f - learningRate * _weightDecay : 1f;
        var l2 = _decoupled ? 0f : _weightDecay;
        for (var i = 0; i < Parameters.Count; i++)
            Update(Parameters[i].Value.Data, Parameters[i].Gradient, _firstMoment[i], _secondMoment[i], stepSize, inverseSqrtCorrection2, decay, l2);
    }

    /// <summary>One fused pass: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², w ← w·decay − step·m / (√v·c2 + ε).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Update(Span<float> weights, Span<float> gradient, Span<float> m, Span<float> v,
        float stepSize, float inverseSqrtCorrection2, float decay, float l2)
    {
        var vw = MemoryMarshal.Cast<float, Vector<float>>(weights);
        var vg = MemoryMarshal.Cast<float, Vector<float>>(gradient);
        var vm = MemoryMarshal.Cast<float, Vector<float>>(m);
        var vv = MemoryMarshal.Cast<float, Vector<float>>(v);
        for (var i = 0; i < vw.Length; i++)
        {
            var g = vg[i] + vw[i] * l2;
            vm[i] = vm[i] * _beta1 + g * (1f - _beta1);
            vv[i] = vv[i] * _beta2 + g * g * (1f - _beta2);
            vw[i] = vw[i] * decay - vm[i] * stepSize / (Vector.SquareRoot(vv[i]) * inverseSqrtCorrection2 + new Vector<float>(_epsilon));
        }
        for (var i = vw.Length * Vector<float>.Count; i < weights.Length; i++)
        {
            var g = gradient[i] + weights[i] * l2;
            m[i] = m[i] * _beta1 + g * (1f - _beta1);
            v[i] = v[i] * _beta2 + g * g * (1f - _beta2);
            weights[i] = weights[i] * decay - m[i] * stepSize / (MathF.Sqrt(v[i]) * inverseSqrtCorrection2 + _epsilon);
        }
    }
}
