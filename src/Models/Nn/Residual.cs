using System.Numerics.Tensors;

namespace EnsembleFarm.Models.Nn;

/// <summary>A skip connection around a block of equal input and output width: y = x + f(x).</summary>
public sealed class Residual : Layer
{
    private float[] _blockOutput = [];

    public Residual(Layer block) : base(block.InputWidth, block.OutputWidth)
    {
        if (block.InputWidth != block.OutputWidth)
            throw new ArgumentException($"A residual block must keep its width, but this one maps {block.InputWidth} to {block.OutputWidth}.", nameof(block));
        Block = block;
    }

    public Layer Block { get; }

    public override IEnumerable<Parameter> Parameters => Block.Parameters;
    public override IEnumerable<NamedTensor> Buffers => Block.Buffers;

    public override void Reserve(int rows)
    {
        if (_blockOutput.Length < rows * OutputWidth) _blockOutput = new float[rows * OutputWidth];
        Block.Reserve(rows);
    }

    public override void Forward(ReadOnlySpan<float> input, Span<float> output, int rows, in PassOptions pass)
    {
        var n = rows * OutputWidth;
        Block.Forward(input, _blockOutput, rows, pass);
        TensorPrimitives.Add(input[..n], _blockOutput.AsSpan(0, n), output[..n]);
    }

    public override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient,
        Span<float> inputGradient, int rows, in PassOptions pass)
    {
        Block.Backward(input, _blockOutput, outputGradient, inputGradient, rows, pass);
        if (inputGradient.IsEmpty) return;
        var n = rows * OutputWidth;
        TensorPrimitives.Add(inputGradient[..n], outputGradient[..n], inputGradient[..n]);
    }
}
