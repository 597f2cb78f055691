namespace EnsembleFarm.Models.Nn;

/// <summary>
/// How the linear layers of a network draw their starting weights and biases (the spec's <c>model.init</c>).
/// fan_in and fan_out are a layer's input and output widths; W is [fan_out × fan_in]. Every scheme but
/// <see cref="HeXavierUniform"/> treats all linear layers alike, the output layer included, as applying a
/// <c>torch.nn.init</c> function to every <c>nn.Linear</c> would; only <see cref="PyTorch"/> draws biases,
/// the others start them at zero. The formulas are in docs/trainer.md.
/// </summary>
public enum Initialization
{
    /// <summary>
    /// PyTorch's <c>nn.Linear</c> default: W and b uniform in ±1/√fan_in (kaiming_uniform with a = √5 for W).
    /// The default: on tabular physics data it trained as well as PyTorch, where He-uniform cost accuracy (issue 10).
    /// </summary>
    PyTorch,

    /// <summary>Kaiming/He uniform for relu (gain √2): W uniform in ±√(6/fan_in).</summary>
    HeUniform,

    /// <summary>Kaiming/He normal for relu (gain √2): W ~ N(0, 2/fan_in).</summary>
    HeNormal,

    /// <summary>Xavier/Glorot uniform (gain 1): W uniform in ±√(6/(fan_in + fan_out)).</summary>
    XavierUniform,

    /// <summary>Xavier/Glorot normal (gain 1): W ~ N(0, 2/(fan_in + fan_out)).</summary>
    XavierNormal,

    /// <summary>
    /// W = Q from the QR decomposition of a Gaussian matrix with R's diagonal made positive, so Q is a uniformly
    /// random orthogonal matrix (gain 1, PyTorch's <c>orthogonal_</c>): orthonormal rows when fan_out ≤ fan_in,
    /// orthonormal columns otherwise.
    /// </summary>
    Orthogonal,

    /// <summary>
    /// The farm's default before issue 10, kept by name so that older results can be reproduced bit for bit:
    /// He uniform for a layer followed by a relu-like activation (relu, leaky relu, GELU), Xavier uniform for
    /// one followed by tanh or sigmoid and for the output layer.
    /// </summary>
    HeXavierUniform,
}
