using EnsembleFarm.Models.Nn;
using Xunit;

namespace EnsembleFarm.Models.Tests.Nn;

public class LayerGradientTests
{
    private static Linear NewLinear(int inputs, int outputs)
    {
        var linear = new Linear("layers.0", inputs, outputs);
        linear.Initialize(Initialization.HeUniform, new Rng(5), Activation.Relu);
        Array.Copy(new[] { 0.3f, -0.2f, 0.1f, 0.5f }, linear.Bias.Value.Data, Math.Min(4, outputs));
        return linear;
    }

    /// <summary>Inputs kept at least 0.1 away from 0, where relu-like activations have their kink.</summary>
    private static float AwayFromKink(Rng rng)
    {
        var x = (float)rng.NextGaussian();
        return x >= 0 ? x + 0.1f : x - 0.1f;
    }

    [Fact]
    public void Linear_gradients_match_central_differences() => GradientCheck.Layer(() => NewLinear(5, 3), rows: 4);

    [Theory]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.LeakyRelu)]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Gelu)]
    public void Activation_gradients_match_central_differences(Activation activation) =>
        GradientCheck.Layer(() => new ActivationLayer(activation, 6, leakyReluSlope: 0.1f), rows: 3, AwayFromKink);

    [Fact]
    public void Batch_norm_gradients_match_central_differences_in_training_mode()
    {
        GradientCheck.Layer(() =>
        {
            var norm = new BatchNorm("norms.0", 4);
            for (var c = 0; c < 4; c++)
            {
                norm.Scale.Value.Data[c] = 0.5f + 0.25f * c;
                norm.Shift.Value.Data[c] = 0.1f * c;
            }
            return norm;
        }, rows: 5);
    }

    [Fact]
    public void Batch_norm_gradients_match_central_differences_in_inference_mode()
    {
        GradientCheck.Layer(() =>
        {
            var norm = new BatchNorm("norms.0", 3);
            norm.RunningMean.Data[1] = 0.5f;
            norm.RunningVariance.Data[2] = 2f;
            return norm;
        }, rows: 2, training: false);
    }

    [Fact]
    public void Dropout_gradients_match_central_differences_for_a_fixed_mask() =>
        GradientCheck.Layer(() => new Dropout(8, 0.4f, new Rng(3)), rows: 3);

    [Fact]
    public void Residual_block_gradients_match_central_differences() =>
        GradientCheck.Layer(() => new Residual(new Sequential([NewLinear(4, 4), new ActivationLayer(Activation.Tanh, 4)])), rows: 3);

    [Fact]
    public void Sequential_gradients_match_central_differences() =>
        GradientCheck.Layer(() => new Sequential([NewLinear(3, 5), new ActivationLayer(Activation.Sigmoid, 5), NewLinear(5, 2)]), rows: 4);

    [Fact]
    public void Full_network_with_batch_norm_residual_gelu_and_dropout_matches_central_differences()
    {
        var spec = new NetworkSpec([6, 6], Activation.Gelu, Dropout: 0.2f, BatchNorm: true, Residual: true);
        GradientCheck.Layer(() => new NetworkAsLayer(new Network(spec, 3, 2, seed: 11)), rows: 5, step: 2e-3f);
    }

    [Fact]
    public void Dropout_keeps_each_value_scaled_or_zeroes_it_and_is_the_identity_in_inference()
    {
        var dropout = new Dropout(1000, 0.25f, new Rng(1));
        dropout.Reserve(1);
        var input = Enumerable.Range(1, 1000).Select(i => (float)i).ToArray();
        var output = new float[1000];
        dropout.Forward(input, output, 1, new PassOptions(Training: true));
        var dropped = 0;
        for (var i = 0; i < input.Length; i++)
        {
            if (output[i] == 0f) dropped++;
            else Assert.Equal(input[i] / 0.75f, output[i], 1e-3f);
        }
        Assert.InRange(dropped, 200, 300);
        dropout.Forward(input, output, 1, PassOptions.Inference);
        Assert.Equal(input, output);
    }

    /// <summary>Exposes a whole network through the layer interface, so the same check covers it.</summary>
    private sealed class NetworkAsLayer(Network network) : Layer(network.InputWidth, network.OutputWidth)
    {
        public override IEnumerable<Parameter> Parameters => network.Parameters;

        public override void Reserve(int rows) => network.Reserve(rows);

        public override void Forward(ReadOnlySpan<float> input, Span<float> output, int rows, in PassOptions pass)
        {
            input.CopyTo(network.Input(rows));
            network.Forward(rows, pass).CopyTo(output);
        }

        public override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient,
            Span<float> inputGradient, int rows, in PassOptions pass)
        {
            outputGradient.CopyTo(network.OutputGradient(rows));
            network.Backward(rows, pass, withInputGradient: true).CopyTo(inputGradient);
        }
    }
}
