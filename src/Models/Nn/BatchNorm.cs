using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace EnsembleFarm.Models.Nn;

/// <summary>
/// Batch normalisation over the rows of a batch, with PyTorch's <c>nn.BatchNorm1d</c> conventions
/// (ε = 1e-5, momentum 0.1, running variance from the unbiased batch variance), so saved statistics
/// mean the same there.
/// </summary>
public sealed class BatchNorm : Layer
{
    public const float Epsilon = 1e-5f;
    public const float Momentum = 0.1f;

    private readonly float[] _batchMean;
    private readonly float[] _batchVariance;
    private readonly float[] _inverseStd;
    private readonly float[] _sumGradient;
    private readonly float[] _sumGradientTimesNormalized;
    private readonly float[] _columnFactor;
    private float[] _normalized = [];

    public BatchNorm(string name, int width) : base(width, width)
    {
        Scale = new Parameter(name + ".weight", width);
        Shift = new Parameter(name + ".bias", width);
        Array.Fill(Scale.Value.Data, 1f);
        RunningMean = new NamedTensor(name + ".running_mean", [width], new float[width]);
        RunningVariance = new NamedTensor(name + ".running_var", [width], new float[width]);
        Array.Fill(RunningVariance.Data, 1f);
        _batchMean = new float[width];
        _batchVariance = new float[width];
        _inverseStd = new float[width];
        _sumGradient = new float[width];
        _sumGradientTimesNormalized = new float[width];
        _columnFactor = new float[width];
    }

    /// <summary>γ (PyTorch's <c>weight</c>).</summary>
    public Parameter Scale { get; }

    /// <summary>β (PyTorch's <c>bias</c>).</summary>
    public Parameter Shift { get; }

    public NamedTensor RunningMean { get; }
    public NamedTensor RunningVariance { get; }

    public override IEnumerable<Parameter> Parameters => [Scale, Shift];
    public override IEnumerable<NamedTensor> Buffers => [RunningMean, RunningVariance];

    public override void Reserve(int rows)
    {
        if (_normalized.Length < rows * InputWidth) _normalized = new float[rows * InputWidth];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, int rows, in PassOptions pass)
    {
        var width = InputWidth;
        if (pass.Training)
        {
            if (rows < 2) throw new ArgumentException("Batch normalisation needs at least two rows per training batch.", nameof(rows));
            ComputeBatchStatistics(input, rows);
            for (var c = 0; c < width; c++) _inverseStd[c] = 1f / MathF.Sqrt(_batchVariance[c] + Epsilon);
            UpdateRunningStatistics(rows);
            for (var r = 0; r < rows; r++)
            {
                var normalized = _normalized.AsSpan(r * width, width);
                TensorPrimitives.Subtract(input.Slice(r * width, width), _batchMean, normalized);
                TensorPrimitives.Multiply(normalized, _inverseStd, normalized);
                TensorPrimitives.FusedMultiplyAdd(normalized, Scale.Value.Data, Shift.Value.Data, output.Slice(r * width, width));
            }
            return;
        }

        for (var c = 0; c < width; c++) _inverseStd[c] = 1f / MathF.Sqrt(RunningVariance.Data[c] + Epsilon);
        for (var r = 0; r < rows; r++)
        {
            var normalized = _normalized.AsSpan(r * width, width);
            TensorPrimitives.Subtract(input.Slice(r * width, width), RunningMean.Data, normalized);
            TensorPrimitives.Multiply(normalized, _inverseStd, normalized);
            TensorPrimitives.FusedMultiplyAdd(normalized, Scale.Value.Data, Shift.Value.Data, output.Slice(r * width, width));
        }
    }

    /// <summary>
    /// Training: dx = γ/(σ·N) · (N·dy − Σdy − x̂·Σ(dy·x̂)), since the batch statistics depend on every row.
    /// Inference: dx = γ/σ · dy with the running statistics.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient,
        Span<float> inputGradient, int rows, in PassOptions pass)
    {
        var width = InputWidth;
        Array.Clear(_sumGradient);
        Array.Clear(_sumGradientTimesNormalized);
        for (var r = 0; r < rows; r++)
        {
            var dy = outputGradient.Slice(r * width, width);
            TensorPrimitives.Add(_sumGradient, dy, _sumGradient);
            TensorPrimitives.FusedMultiplyAdd(dy, _normalized.AsSpan(r * width, width), _sumGradientTimesNormalized, _sumGradientTimesNormalized);
        }
        TensorPrimitives.Add(Shift.Gradient, _sumGradient, Shift.Gradient);
        TensorPrimitives.Add(Scale.Gradient, _sumGradientTimesNormalized, Scale.Gradient);
        if (inputGradient.IsEmpty) return;

        var factor = _columnFactor;
        TensorPrimitives.Multiply(Scale.Value.Data, _inverseStd, factor);
        if (!pass.Training)
        {
            for (var r = 0; r < rows; r++) TensorPrimitives.Multiply(outputGradient.Slice(r * width, width), factor, inputGradient.Slice(r * width, width));
            return;
        }
        // Fold the per-column constants once: dx = k·dy − k/N·Σdy − k/N·x̂·Σ(dy·x̂), with k = γ/σ.
        TensorPrimitives.Multiply(_sumGradient, factor, _sumGradient);
        TensorPrimitives.Multiply(_sumGradient, 1f / rows, _sumGradient);
        TensorPrimitives.Multiply(_sumGradientTimesNormalized, factor, _sumGradientTimesNormalized);
        TensorPrimitives.Multiply(_sumGradientTimesNormalized, -1f / rows, _sumGradientTimesNormalized);
        for (var r = 0; r < rows; r++)
        {
            var dx = inputGradient.Slice(r * width, width);
            TensorPrimitives.Multiply(outputGradient.Slice(r * width, width), factor, dx);
            TensorPrimitives.Subtract(dx, _sumGradient, dx);
            TensorPrimitives.FusedMultiplyAdd(_normalized.AsSpan(r * width, width), _sumGradientTimesNormalized, dx, dx);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ComputeBatchStatistics(ReadOnlySpan<float> input, int rows)
    {
        var width = InputWidth;
        Array.Clear(_batchMean);
        Array.Clear(_batchVariance);
        for (var r = 0; r < rows; r++) TensorPrimitives.Add(_batchMean, input.Slice(r * width, width), _batchMean);
        TensorPrimitives.Multiply(_batchMean, 1f / rows, _batchMean);
        // Two-pass variance: the centred rows go through the normalised buffer before it is filled for real.
        for (var r = 0; r < rows; r++)
        {
            var centred = _normalized.AsSpan(r * width, width);
            TensorPrimitives.Subtract(input.Slice(r * width, width), _batchMean, centred);
            TensorPrimitives.FusedMultiplyAdd(centred, centred, _batchVariance, _batchVariance);
        }
        TensorPrimitives.Multiply(_batchVariance, 1f / rows, _batchVariance);
    }

    private void UpdateRunningStatistics(int rows)
    {
        var unbiased = (float)rows / (rows - 1);
        for (var c = 0; c < InputWidth; c++)
        {
            RunningMean.Data[c] = (1f - Momentum) * RunningMean.Data[c] + Momentum * _batchMean[c];
            RunningVariance.Data[c] = (1f - Momentum) * RunningVariance.Data[c] + Momentum * _batchVariance[c] * unbiased;
        }
    }
}
