namespace EnsembleFarm.Models.Nn;

public enum Activation { Relu, LeakyRelu, Tanh, Sigmoid, Gelu }

/// <summary>
/// The architecture of a network, in the terms a search varies: a dense network, or a cnn1d (a convolutional front
/// of <see cref="Conv"/> stages, flattened into the same dense layers). The input width comes from the data and the
/// output layer from the task (one logit, K logits, or one unit per regression target).
/// </summary>
/// <param name="Hidden">Widths of the hidden layers, input side first.</param>
/// <param name="Dropout">Drop probability after each hidden activation, 0 for none.</param>
/// <param name="BatchNorm">Batch normalisation between each hidden linear layer (and each convolution of a cnn1d) and its activation.</param>
/// <param name="Residual">Skip connection around each hidden block whose input and output widths are equal.</param>
/// <param name="LeakyReluSlope">Negative slope of <see cref="Activation.LeakyRelu"/>.</param>
/// <param name="Initialization">
/// How the linear layers draw their starting weights and biases from the training seed; PyTorch's <c>nn.Linear</c>
/// default unless chosen (<see cref="Nn.Initialization.HeXavierUniform"/> is the farm's default before issue 10).
/// </param>
/// <param name="Conv">
/// The convolution stages of a cnn1d, input side first; null for a dense network. The built-in trainer trains dense
/// networks only; a cnn1d is trained by a command trainer and predicted with <see cref="Conv1dInferenceFront"/>.
/// </param>
public sealed record NetworkSpec(
    IReadOnlyList<int> Hidden,
    Activation Activation = Activation.Relu,
    float Dropout = 0f,
    bool BatchNorm = false,
    bool Residual = false,
    float LeakyReluSlope = 0.01f,
    Initialization Initialization = Initialization.PyTorch,
    IReadOnlyList<Conv1dStage>? Conv = null)
{
    /// <summary>Whether the network starts with convolutions (a cnn1d).</summary>
    public bool IsConvolutional => Conv is { Count: > 0 };
}
