namespace EnsembleFarm.Models.Nn;

/// <summary>
/// A named float32 tensor, row-major, as it is saved (safetensors) and restored. <see cref="Data"/> is the
/// live storage of the owning layer, so writing into it changes the network.
/// </summary>
public sealed record NamedTensor(string Name, int[] Shape, float[] Data);

/// <summary>
/// A trainable tensor and the gradient the backward pass accumulates into it (PyTorch's <c>nn.Parameter</c>).
/// Backward passes add to <see cref="Gradient"/>; the trainer clears it before each step.
/// </summary>
public sealed class Parameter
{
    public Parameter(string name, params int[] shape)
    {
        var length = 1;
        foreach (var dimension in shape) length *= dimension;
        Value = new NamedTensor(name, shape, new float[length]);
        Gradient = new float[length];
    }

    public NamedTensor Value { get; }
    public float[] Gradient { get; }
    public string Name => Value.Name;
    public int Length => Gradient.Length;
}
