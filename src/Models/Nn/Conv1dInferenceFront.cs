using System.Numerics.Tensors;
using EnsembleFarm.Models.Tensors;

namespace EnsembleFarm.Models.Nn;

/// <summary>
/// The convolutional front of a cnn1d model, for inference only: the farm predicts with cnn1d models that a command
/// trainer (PyTorch) trained, and never trains them itself, so there is no backward pass. It turns each row of
/// standardised features, read as one channel, into the flattened output of its last stage (channel-major, PyTorch's
/// <c>flatten(1)</c> of an N × C × L tensor), which the model's dense layers take as input.
/// Tensors are named after the PyTorch module of examples/trainers/pytorch_trainer.py: <c>conv.{i}.weight</c>
/// [filters × channels × kernel] and <c>conv.{i}.bias</c> [filters], and with batch norm
/// <c>conv_norms.{i}.weight</c>, <c>.bias</c>, <c>.running_mean</c>, <c>.running_var</c> [filters].
/// Not thread-safe: its buffers are reused from row to row.
/// </summary>
public sealed class Conv1dInferenceFront
{
    private readonly Stage[] _stages;
    private readonly float[][] _between;

    /// <param name="inputLength">Features per row: the length of the single input channel.</param>
    /// <exception cref="ArgumentException">No stage, a stage with a non-positive size, an even kernel with same padding, or stages that leave nothing of the input.</exception>
    public Conv1dInferenceFront(IReadOnlyList<Conv1dStage> stages, int inputLength, Activation activation, float leakyReluSlope, bool batchNorm)
    {
        ArgumentNullException.ThrowIfNull(stages);
        if (stages.Count == 0) throw new ArgumentException("A convolutional front needs at least one stage.", nameof(stages));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputLength);
        for (var i = 0; i < stages.Count; i++)
        {
            var stage = stages[i];
            if (stage.Filters <= 0 || stage.Kernel <= 0 || stage.Pool <= 0)
                throw new ArgumentException($"Conv stage {i} has filters {stage.Filters}, kernel {stage.Kernel}, pool {stage.Pool}; each must be positive.", nameof(stages));
            if (stage.Padding == Conv1dPadding.Same && stage.Kernel % 2 == 0)
                throw new ArgumentException($"Conv stage {i} has an even kernel ({stage.Kernel}) with same padding; same padding needs an odd kernel.", nameof(stages));
        }
        if (Conv1dStage.FirstEmptyStage(stages, inputLength) is { } empty)
            throw new ArgumentException($"{inputLength} inputs leave no position after conv stage {empty}.", nameof(stages));

        InputWidth = inputLength;
        _stages = new Stage[stages.Count];
        var channels = 1;
        var length = inputLength;
        for (var i = 0; i < stages.Count; i++)
        {
            _stages[i] = new Stage(i, stages[i], channels, length, activation, leakyReluSlope, batchNorm);
            channels = stages[i].Filters;
            length = _stages[i].OutputLength;
        }
        OutputWidth = channels * length;
        _between = [.. _stages.SkipLast(1).Select(s => new float[s.OutputWidth])];
        State = [.. _stages.SelectMany(s => s.State)];
    }

    /// <summary>Inputs per row: the features.</summary>
    public int InputWidth { get; }

    /// <summary>Outputs per row: the last stage's filters × its output length.</summary>
    public int OutputWidth { get; }

    /// <summary>Every tensor, in stage order: the convolution's weight and bias, then its batch norm's (when on).</summary>
    public IReadOnlyList<NamedTensor> State { get; }

    /// <summary>Trainable values: convolution weights and biases, batch-norm scales and shifts (not the running statistics).</summary>
    public long ParameterCount => _stages.Sum(s => s.ParameterCount);

    /// <summary>Writes <paramref name="rows"/> rows of outputs (rows × <see cref="OutputWidth"/>) for rows × <see cref="InputWidth"/> standardised inputs.</summary>
    public void Infer(ReadOnlySpan<float> inputs, int rows, Span<float> outputs)
    {
        if (inputs.Length < rows * InputWidth)
            throw new ArgumentException($"Expected {rows} rows of {InputWidth} inputs ({rows * InputWidth} values), got {inputs.Length}.", nameof(inputs));
        if (outputs.Length < rows * OutputWidth)
            throw new ArgumentException($"Room for {rows * OutputWidth} outputs is needed, got {outputs.Length}.", nameof(outputs));
        for (var r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> input = inputs.Slice(r * InputWidth, InputWidth);
            for (var i = 0; i < _stages.Length; i++)
            {
                var output = i == _stages.Length - 1 ? outputs.Slice(r * OutputWidth, OutputWidth) : _between[i];
                _stages[i].Forward(input, output);
                input = output;
            }
        }
    }

    /// <summary>One Conv1d → [BatchNorm1d] → activation → [MaxPool1d], on one row at a time.</summary>
    private sealed class Stage
    {
        private readonly Conv1dStage _spec;
        private readonly int _channels;
        private readonly int _inputLength;
        private readonly int _convolvedLength;
        private readonly NamedTensor _weight;
        private readonly NamedTensor _bias;
        private readonly NamedTensor[]? _norm;
        private readonly ActivationLayer _activation;
        private readonly float[] _columns;
        private readonly float[] _convolved;
        private readonly float[] _activated;

        public Stage(int index, Conv1dStage spec, int channels, int inputLength, Activation activation, float leakyReluSlope, bool batchNorm)
        {
            _spec = spec;
            _channels = channels;
            _inputLength = inputLength;
            _convolvedLength = inputLength + 2 * spec.PaddingWidth - spec.Kernel + 1;
            OutputLength = spec.OutputLength(inputLength);
            var filters = spec.Filters;
            _weight = new NamedTensor($"conv.{index}.weight", [filters, channels, spec.Kernel], new float[filters * channels * spec.Kernel]);
            _bias = new NamedTensor($"conv.{index}.bias", [filters], new float[filters]);
            if (batchNorm)
            {
                var name = $"conv_norms.{index}";
                _norm =
                [
                    new NamedTensor(name + ".weight", [filters], Filled(filters, 1f)),
                    new NamedTensor(name + ".bias", [filters], new float[filters]),
                    new NamedTensor(name + ".running_mean", [filters], new float[filters]),
                    new NamedTensor(name + ".running_var", [filters], Filled(filters, 1f)),
                ];
            }
            _activation = new ActivationLayer(activation, filters * _convolvedLength, leakyReluSlope);
            _activation.Reserve(1);
            _columns = new float[channels * spec.Kernel * _convolvedLength];
            _convolved = new float[filters * _convolvedLength];
            _activated = new float[filters * _convolvedLength];
        }

        public int OutputLength { get; }

        public int OutputWidth => _spec.Filters * OutputLength;

        public IEnumerable<NamedTensor> State => [_weight, _bias, .. _norm ?? []];

        public long ParameterCount => _weight.Data.Length + _bias.Data.Length + (_norm is null ? 0 : 2L * _spec.Filters);

        public void Forward(ReadOnlySpan<float> input, Span<float> output)
        {
            var filters = _spec.Filters;
            var length = _convolvedLength;
            Unfold(input);
            for (var f = 0; f < filters; f++) _convolved.AsSpan(f * length, length).Fill(_bias.Data[f]);
            Gemm.Multiply(_weight.Data, _columns, _convolved, filters, _channels * _spec.Kernel, length, accumulate: true);
            if (_norm is not null) Normalize();
            _activation.Forward(_convolved, _activated, 1, PassOptions.Inference);
            Pool(output);
        }

        /// <summary>
        /// im2col: row (c·K + k) of the columns holds input channel c shifted by k − padding, zero beyond the ends, so that
        /// the convolution (PyTorch's cross-correlation) is one matrix product W [F × C·K] · columns [C·K × L].
        /// </summary>
        private void Unfold(ReadOnlySpan<float> input)
        {
            var kernel = _spec.Kernel;
            var padding = _spec.PaddingWidth;
            var length = _convolvedLength;
            for (var c = 0; c < _channels; c++)
            {
                var channel = input.Slice(c * _inputLength, _inputLength);
                for (var k = 0; k < kernel; k++)
                {
                    var row = _columns.AsSpan((c * kernel + k) * length, length);
                    var shift = k - padding;
                    var first = Math.Clamp(-shift, 0, length);
                    var last = Math.Min(length, _inputLength - shift);
                    row[..first].Clear();
                    if (last > first) channel.Slice(first + shift, last - first).CopyTo(row[first..]);
                    row[Math.Max(first, last)..].Clear();
                }
            }
        }

        /// <summary>Batch norm with the running statistics, per channel, in the order of <see cref="BatchNorm"/>: (x − mean) / √(var + ε) · γ + β.</summary>
        private void Normalize()
        {
            var (scale, shift, mean, variance) = (_norm![0].Data, _norm[1].Data, _norm[2].Data, _norm[3].Data);
            var length = _convolvedLength;
            for (var f = 0; f < _spec.Filters; f++)
            {
                var inverseStd = 1f / MathF.Sqrt(variance[f] + BatchNorm.Epsilon);
                var channel = _convolved.AsSpan(f * length, length);
                TensorPrimitives.Subtract(channel, mean[f], channel);
                TensorPrimitives.Multiply(channel, inverseStd, channel);
                TensorPrimitives.Multiply(channel, scale[f], channel);
                TensorPrimitives.Add(channel, shift[f], channel);
            }
        }

        private void Pool(Span<float> output)
        {
            var pool = _spec.Pool;
            if (pool == 1)
            {
                _activated.AsSpan(0, output.Length).CopyTo(output);
                return;
            }
            for (var f = 0; f < _spec.Filters; f++)
            {
                var channel = _activated.AsSpan(f * _convolvedLength, _convolvedLength);
                var pooled = output.Slice(f * OutputLength, OutputLength);
                for (var j = 0; j < pooled.Length; j++) pooled[j] = TensorPrimitives.Max(channel.Slice(j * pool, pool));
            }
        }

        private static float[] Filled(int length, float value)
        {
            var values = new float[length];
            Array.Fill(values, value);
            return values;
        }
    }
}
