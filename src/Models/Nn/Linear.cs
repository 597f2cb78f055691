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

    /// <summary>Draws the starting weights and biases by <paramref name="scheme"/> (formulas: <see cref="Initialization"/>).</summary>
    /// <param name="followedBy">
    /// The activation applied to this layer's outputs, null for the output layer; only
    /// <see cref="Initialization.HeXavierUniform"/> depends on it.
    /// </param>
    public void Initialize(Initialization scheme, Rng rng, Activation? followedBy)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var weights = Weight.Value.Data;
        var biases = Bias.Value.Data;
        float fanIn = InputWidth;
        float fanOut = OutputWidth;
        var heBound = MathF.Sqrt(6f / fanIn);
        var xavierBound = MathF.Sqrt(6f / (fanIn + fanOut));
        Array.Clear(biases);
        switch (scheme)
        {
            case Initialization.PyTorch:
                var bound = 1f / MathF.Sqrt(fanIn);
                WeightDraws.Uniform(weights, bound, rng);
                WeightDraws.Uniform(biases, bound, rng);
                break;
            case Initialization.HeUniform:
                WeightDraws.Uniform(weights, heBound, rng);
                break;
            case Initialization.HeNormal:
                WeightDraws.Normal(weights, Math.Sqrt(2.0 / fanIn), rng);
                break;
            case Initialization.XavierUniform:
                WeightDraws.Uniform(weights, xavierBound, rng);
                break;
            case Initialization.XavierNormal:
                WeightDraws.Normal(weights, Math.Sqrt(2.0 / (fanIn + fanOut)), rng);
                break;
            case Initialization.Orthogonal:
                WeightDraws.Orthogonal(weights, OutputWidth, InputWidth, rng);
                break;
            case Initialization.HeXavierUniform:
                var reluLike = followedBy is { } activation && ActivationLayer.IsReluLike(activation);
                WeightDraws.Uniform(weights, reluLike ? heBound : xavierBound, rng);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "Unknown initialisation scheme.");
        }
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
