namespace EnsembleFarm.Models.Nn;

/// <summary>
/// A dense network built from a <see cref="NetworkSpec"/>: for each hidden width, Linear → [BatchNorm] →
/// activation → [Dropout], wrapped in a skip connection when residual and the widths match; then a linear
/// output layer. Tensor names follow the PyTorch module in scripts/load_in_pytorch.py: linear layers are
/// <c>layers.{i}</c> (the output layer last), batch norms <c>norms.{i}</c>.
/// The network owns its input, output and gradient buffers, so a training step allocates nothing.
/// </summary>
public sealed class Network
{
    private const ulong InitializationStream = 0;
    private const ulong DropoutStream = 2;

    /// <summary>
    /// Rows per chunk of <see cref="Infer"/>. Matrix kernels may round a row differently by where it sits in its chunk,
    /// so only the same chunking of the same rows reproduces outputs bit for bit.
    /// </summary>
    public const int InferenceChunkRows = 256;

    private readonly Sequential _body;
    private readonly Parameter[] _parameters;
    private float[] _input = [];
    private float[] _output = [];
    private float[] _inputGradient = [];
    private float[] _outputGradient = [];

    /// <summary>Builds the network and initialises its weights from <paramref name="seed"/>.</summary>
    public Network(NetworkSpec spec, int inputWidth, int outputWidth, ulong seed)
    {
        Validate(spec, inputWidth, outputWidth);
        Spec = spec;
        InputWidth = inputWidth;
        OutputWidth = outputWidth;

        var initializationRng = new Rng(Rng.Derive(seed, InitializationStream));
        var dropoutRng = new Rng(Rng.Derive(seed, DropoutStream));
        var blocks = new List<Layer>();
        var width = inputWidth;
        for (var i = 0; i < spec.Hidden.Count; i++)
        {
            var hidden = spec.Hidden[i];
            var linear = new Linear($"layers.{i}", width, hidden);
            linear.Initialize(spec.Initialization, initializationRng, spec.Activation);
            var block = new List<Layer> { linear };
            if (spec.BatchNorm) block.Add(new BatchNorm($"norms.{i}", hidden));
            block.Add(new ActivationLayer(spec.Activation, hidden, spec.LeakyReluSlope));
            if (spec.Dropout > 0f) block.Add(new Dropout(hidden, spec.Dropout, dropoutRng));
            var sequence = new Sequential(block);
            blocks.Add(spec.Residual && width == hidden ? new Residual(sequence) : sequence);
            width = hidden;
        }
        var output = new Linear($"layers.{spec.Hidden.Count}", width, outputWidth);
        output.Initialize(spec.Initialization, initializationRng, followedBy: null);
        blocks.Add(output);

        _body = new Sequential(blocks);
        _parameters = [.. _body.Parameters];
        State = [.. _parameters.Select(p => p.Value), .. _body.Buffers];
    }

    public NetworkSpec Spec { get; }
    public int InputWidth { get; }
    public int OutputWidth { get; }

    /// <summary>The trainable tensors, for the optimiser.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Everything that defines the network's function: parameters, then buffers (batch-norm running statistics).</summary>
    public IReadOnlyList<NamedTensor> State { get; }

    /// <summary>The largest batch the buffers hold now.</summary>
    public int Capacity { get; private set; }

    /// <summary>Grows the buffers to hold batches of <paramref name="rows"/> rows (never shrinks them).</summary>
    public void Reserve(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        if (rows <= Capacity) return;
        _input = new float[rows * InputWidth];
        _inputGradient = new float[rows * InputWidth];
        _output = new float[rows * OutputWidth];
        _outputGradient = new float[rows * OutputWidth];
        _body.Reserve(rows);
        Capacity = rows;
    }

    /// <summary>Where the caller writes the next batch (rows × <see cref="InputWidth"/>), standardised.</summary>
    public Span<float> Input(int rows) => _input.AsSpan(0, CheckRows(rows) * InputWidth);

    /// <summary>Where the caller writes ∂loss/∂output before <see cref="Backward"/>.</summary>
    public Span<float> OutputGradient(int rows) => _outputGradient.AsSpan(0, CheckRows(rows) * OutputWidth);

    /// <summary>Runs the batch in <see cref="Input"/> and returns the raw outputs (logits for classification).</summary>
    public ReadOnlySpan<float> Forward(int rows, in PassOptions pass)
    {
        CheckRows(rows);
        _body.Forward(_input, _output, rows, pass);
        return _output.AsSpan(0, rows * OutputWidth);
    }

    /// <summary>
    /// Back-propagates <see cref="OutputGradient"/> through the last forward pass, adding to the parameter
    /// gradients; returns ∂loss/∂input when <paramref name="withInputGradient"/> (FGSM needs it), else empty.
    /// </summary>
    public ReadOnlySpan<float> Backward(int rows, in PassOptions pass, bool withInputGradient = false)
    {
        CheckRows(rows);
        var inputGradient = withInputGradient ? _inputGradient.AsSpan(0, rows * InputWidth) : Span<float>.Empty;
        _body.Backward(_input, _output, _outputGradient, inputGradient, rows, pass);
        return inputGradient;
    }

    /// <summary>
    /// Inference over any number of rows of (standardised) inputs: writes the raw outputs, rows ×
    /// <see cref="OutputWidth"/>, into <paramref name="outputs"/>. Rows go through in chunks of a fixed size,
    /// whatever batch size the network was trained with, so that a reloaded copy computes the very same
    /// products and predicts bit-identically.
    /// </summary>
    public void Infer(ReadOnlySpan<float> inputs, int rows, Span<float> outputs, int threads = 1)
    {
        if (inputs.Length < rows * InputWidth)
            throw new ArgumentException($"Expected {rows} rows of {InputWidth} inputs ({rows * InputWidth} values), got {inputs.Length}.", nameof(inputs));
        if (outputs.Length < rows * OutputWidth)
            throw new ArgumentException($"Room for {rows * OutputWidth} outputs is needed, got {outputs.Length}.", nameof(outputs));
        Reserve(InferenceChunkRows);
        var pass = new PassOptions(Training: false, threads);
        for (var start = 0; start < rows; start += InferenceChunkRows)
        {
            var n = Math.Min(InferenceChunkRows, rows - start);
            inputs.Slice(start * InputWidth, n * InputWidth).CopyTo(Input(n));
            Forward(n, pass).CopyTo(outputs.Slice(start * OutputWidth, n * OutputWidth));
        }
    }

    public void ZeroGradients()
    {
        foreach (var parameter in _parameters) Array.Clear(parameter.Gradient);
    }

    private int CheckRows(int rows)
    {
        if (rows <= 0 || rows > Capacity)
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"The network holds batches of 1..{Capacity} rows; call Reserve first.");
        return rows;
    }

    private static void Validate(NetworkSpec spec, int inputWidth, int outputWidth)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(spec.Hidden, nameof(spec.Hidden));
        if (inputWidth <= 0) throw new ArgumentOutOfRangeException(nameof(inputWidth), inputWidth, "The network needs at least one input.");
        if (outputWidth <= 0) throw new ArgumentOutOfRangeException(nameof(outputWidth), outputWidth, "The network needs at least one output.");
        for (var i = 0; i < spec.Hidden.Count; i++)
            if (spec.Hidden[i] <= 0)
                throw new ArgumentException($"NetworkSpec.Hidden[{i}] is {spec.Hidden[i]}; hidden widths must be positive.", nameof(spec));
        if (!(spec.Dropout is >= 0f and < 1f))
            throw new ArgumentException($"NetworkSpec.Dropout is {spec.Dropout}; it must be in [0, 1).", nameof(spec));
        if (!float.IsFinite(spec.LeakyReluSlope))
            throw new ArgumentException("NetworkSpec.LeakyReluSlope must be finite.", nameof(spec));
        if (!Enum.IsDefined(spec.Activation))
            throw new ArgumentException($"NetworkSpec.Activation {spec.Activation} is not a known activation.", nameof(spec));
        if (spec.IsConvolutional)
            throw new ArgumentException(
                "NetworkSpec.Conv is set, but Network builds dense layers only: a cnn1d's convolutions are a Conv1dInferenceFront before them.", nameof(spec));
        if (!Enum.IsDefined(spec.Initialization))
            throw new ArgumentException($"NetworkSpec.Initialization {spec.Initialization} is not a known initialisation scheme.", nameof(spec));
    }
}
