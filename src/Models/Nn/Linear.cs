using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using EnsembleFarm.Models.Tensors;

namespace EnsembleFarm.Models.Nn;

/// <summary>
/// A fully connected layer, Y = X·Wᵀ + b, with W stored [out × in] like PyTorch's <c>nn.Linear</c> so the
/// saved tensors load there unchanged.
/// </summary>
public sealed class Linear : Layer
{
    public Linear(string name, int inputWidth, int outputWidth) : base(inputWidth, outputWidth)
    {
        Weight = new Parameter(name + ".weight", outputWidth, inputWidth);
        Bias = new Parameter(name + ".bias", outputWidth);
    }

    public Parameter Weight { get; }
    public Parameter Bias { get; }

    public override IEnumerable<Parameter> Parameters => [Weight, Bias];

    /// <summary>Kaiming/He uniform (for relu-like activations) or Xavier/Glorot uniform; biases start at zero.</summary>
    public void Initialize(Rng rng, bool kaiming)
    {
        var bound = kaiming ? MathF.Sqrt(6f / InputWidth) : MathF.Sqrt(6f / (InputWidth + OutputWidth));
        var weights = Weight.Value.Data;
        for (var i = 0; i < weights.Length; i++) weights[i] = (2f * rng.NextSingle() - 1f) * bound;
        Array.Clear(Bias.Value.Data);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, int rows, in PassOptions pass)
    {
        var bias = Bias.Value.Data;
        for (var r = 0; r < rows; r++) bias.CopyTo(output.Slice(r * OutputWidth, OutputWidth));
        Gemm.MultiplyTransposeB(input, Weight.Value.Data, output, rows, InputWidth, OutputWidth, accumulate: true, pass.Threads);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient,
        Span<float> inputGradient, int rows, in PassOptions pass)
    {
        Gemm.MultiplyTransposeA(outputGradient, input, Weight.Gradient, OutputWidth, rows, InputWidth, accumulate: true, pass.Threads);
        var biasGradient = Bias.Gradient.AsSpan();
        for (var r = 0; r < rows; r++) TensorPrimitives.Add(biasGradient, outputGradient.Slice(r * OutputWidth, OutputWidth), biasGradient);
        if (!inputGradient.IsEmpty)
            Gemm.Multiply(outputGradient, Weight.Value.Data, inputGradient, rows, OutputWidth, InputWidth, accumulate: false, pass.Threads);
    }
}
