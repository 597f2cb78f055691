namespace EnsembleFarm.Models.Nn;

/// <summary>
/// Layers applied in order (PyTorch's <c>nn.Sequential</c>). It owns the activations and gradients
/// between its layers, sized by <see cref="Reserve"/>.
/// </summary>
public sealed class Sequential : Layer
{
    private readonly Layer[] _layers;
    private readonly float[][] _activations;
    private readonly float[][] _gradients;

    public Sequential(IReadOnlyList<Layer> layers) : base(FirstOf(layers).InputWidth, layers[^1].OutputWidth)
    {
        for (var i = 1; i < layers.Count; i++)
            if (layers[i].InputWidth != layers[i - 1].OutputWidth)
                throw new ArgumentException($"Layer {i} takes {layers[i].InputWidth} inputs but layer {i - 1} gives {layers[i - 1].OutputWidth}.", nameof(layers));
        _layers = [.. layers];
        _activations = new float[_layers.Length - 1][];
        _gradients = new float[_layers.Length - 1][];
        Array.Fill(_activations, []);
        Array.Fill(_gradients, []);
    }

    public IReadOnlyList<Layer> Layers => _layers;

    public override IEnumerable<Parameter> Parameters => _layers.SelectMany(l => l.Parameters);
    public override IEnumerable<NamedTensor> Buffers => _layers.SelectMany(l => l.Buffers);

    public override void Reserve(int rows)
    {
        for (var i = 0; i < _activations.Length; i++)
        {
            var length = rows * _layers[i].OutputWidth;
            if (_activations[i].Length < length)
            {
                _activations[i] = new float[length];
                _gradients[i] = new float[length];
            }
        }
        foreach (var layer in _layers) layer.Reserve(rows);
    }

    public override void Forward(ReadOnlySpan<float> input, Span<float> output, int rows, in PassOptions pass)
    {
        for (var i = 0; i < _layers.Length; i++)
            _layers[i].Forward(i == 0 ? input : _activations[i - 1], i == _layers.Length - 1 ? output : _activations[i], rows, pass);
    }

    public override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient,
        Span<float> inputGradient, int rows, in PassOptions pass)
    {
        for (var i = _layers.Length - 1; i >= 0; i--)
        {
            var layerInput = i == 0 ? input : _activations[i - 1];
            var layerOutput = i == _layers.Length - 1 ? output : _activations[i];
            var layerOutputGradient = i == _layers.Length - 1 ? outputGradient : _gradients[i];
            var layerInputGradient = i == 0 ? inputGradient : _gradients[i - 1];
            _layers[i].Backward(layerInput, layerOutput, layerOutputGradient, layerInputGradient, rows, pass);
        }
    }

    private static Layer FirstOf(IReadOnlyList<Layer> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0) throw new ArgumentException("A sequential block needs at least one layer.", nameof(layers));
        return layers[0];
    }
}
