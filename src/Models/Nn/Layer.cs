namespace EnsembleFarm.Models.Nn;

/// <summary>
/// One step of a dense network, working on row-major batches (rows × width). A layer owns its parameters
/// and whatever it must remember between forward and backward (a dropout mask, batch statistics), sized by
/// <see cref="Reserve"/> so that a training step allocates nothing.
/// </summary>
public abstract class Layer
{
    protected Layer(int inputWidth, int outputWidth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputWidth);
        InputWidth = inputWidth;
        OutputWidth = outputWidth;
    }

    public int InputWidth { get; }
    public int OutputWidth { get; }

    /// <summary>The tensors the optimiser updates.</summary>
    public virtual IEnumerable<Parameter> Parameters => [];

    /// <summary>Tensors that are saved with the model but not trained (batch-norm running statistics).</summary>
    public virtual IEnumerable<NamedTensor> Buffers => [];

    /// <summary>Makes room for batches of up to <paramref name="rows"/> rows; called before any pass.</summary>
    public virtual void Reserve(int rows) { }

    /// <summary>Writes the layer's output for <paramref name="rows"/> rows of <paramref name="input"/>.</summary>
    public abstract void Forward(ReadOnlySpan<float> input, Span<float> output, int rows, in PassOptions pass);

    /// <summary>
    /// Adds the parameter gradients of the last forward pass to <see cref="Parameter.Gradient"/> and, unless
    /// <paramref name="inputGradient"/> is empty, writes the gradient with respect to the input.
    /// <paramref name="input"/> and <paramref name="output"/> are those of the last forward pass.
    /// </summary>
    public abstract void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient,
        Span<float> inputGradient, int rows, in PassOptions pass);
}

/// <summary>How a pass runs: training (dropout active, batch statistics) or inference, and the thread budget of matrix products.</summary>
public readonly record struct PassOptions(bool Training, int Threads = 1)
{
    public static PassOptions Inference => new(false);
}
