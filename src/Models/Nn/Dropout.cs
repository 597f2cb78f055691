using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace EnsembleFarm.Models.Nn;

/// <summary>
/// Inverted dropout: in training each element is zeroed with probability p and the survivors are scaled
/// by 1/(1 − p), so inference is the identity. The mask comes from the layer's own seeded stream.
/// </summary>
public sealed class Dropout : Layer
{
    private readonly Rng _rng;
    private float[] _mask = [];

    public Dropout(int width, float probability, Rng rng) : base(width, width)
    {
        if (!(probability is >= 0f and < 1f))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "Dropout probability must be in [0, 1).");
        Probability = probability;
        _rng = rng;
    }

    public float Probability { get; }

    public override void Reserve(int rows)
    {
        if (_mask.Length < rows * InputWidth) _mask = new float[rows * InputWidth];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, int rows, in PassOptions pass)
    {
        var n = rows * InputWidth;
        if (!pass.Training)
        {
            input[..n].CopyTo(output);
            return;
        }
        var keep = 1f / (1f - Probability);
        var mask = _mask.AsSpan(0, n);
        for (var i = 0; i < mask.Length; i++) mask[i] = _rng.NextSingle() < Probability ? 0f : keep;
        TensorPrimitives.Multiply(input[..n], mask, output[..n]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient,
        Span<float> inputGradient, int rows, in PassOptions pass)
    {
        if (inputGradient.IsEmpty) return;
        var n = rows * InputWidth;
        if (pass.Training) TensorPrimitives.Multiply(outputGradient[..n], _mask.AsSpan(0, n), inputGradient[..n]);
        else outputGradient[..n].CopyTo(inputGradient);
    }
}
