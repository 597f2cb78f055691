using System.Globalization;
using System.Text.Json.Nodes;
using EnsembleFarm.Models.Nn;
using EnsembleFarm.Models.Persistence;
using Xunit;

namespace EnsembleFarm.Models.Tests.Persistence;

/// <summary>
/// A cnn1d model as a command trainer leaves it (model.json version 2 and PyTorch-named tensors) loads and predicts what
/// PyTorch's Conv1d → BatchNorm1d → activation → MaxPool1d → flatten → dense layers compute, written out here as plain
/// loops in double precision.
/// </summary>
public class Cnn1dModelTests
{
    private const int Length = 37;
    private const int Classes = 3;

    private static readonly Conv1dStage[] Stages =
    [
        new(Filters: 4, Kernel: 5, Pool: 2),
        new(Filters: 3, Kernel: 3, Pool: 3, Padding: Conv1dPadding.Valid),
    ];

    private static readonly NetworkSpec Spec = new([6], Activation.Gelu, BatchNorm: true, Conv: Stages);

    [Fact]
    public void A_cnn1d_predicts_what_its_layers_compute()
    {
        var (tensors, json) = RandomModel(Spec, seed: 1);
        var model = TrainedModel.Deserialize(SafeTensors.Write(tensors.Values), json);
        var rows = 300;
        var features = RandomFeatures(rows, seed: 2);

        var predictions = model.Predict(features, rows);

        Assert.Equal(Classes, model.OutputWidth);
        Assert.Equal(Length, model.InputWidth);
        Assert.True(model.Network.IsConvolutional);
        for (var r = 0; r < rows; r++)
        {
            var expected = Reference(tensors, features.AsSpan(r * Length, Length));
            for (var c = 0; c < Classes; c++) Assert.Equal(expected[c], predictions[r * Classes + c], 1e-5);
        }
    }

    [Fact]
    public void A_cnn1d_round_trips_clones_and_counts_its_parameters()
    {
        var (tensors, json) = RandomModel(Spec, seed: 3);
        var model = TrainedModel.Deserialize(SafeTensors.Write(tensors.Values), json);
        var features = RandomFeatures(600, seed: 4);

        var (weights, written) = model.Serialize();
        var reloaded = TrainedModel.Deserialize(weights, written);

        Assert.Equal(model.Predict(features, 600), reloaded.Predict(features, 600));
        Assert.Equal(model.Predict(features, 600), model.Clone().Predict(features, 600));
        Assert.Equal(2, (int?)JsonNode.Parse(written)!["version"]);
        Assert.Equal("valid", (string?)JsonNode.Parse(written)!["network"]!["conv"]![1]!["padding"]);
        // conv 4·1·5 + 4 and 3·4·3 + 3 with batch norms of 2·4 and 2·3; 37 bins pool to 18, then to 5 of 3 filters:
        // dense 6·15 + 6 and 3·6 + 3 with a batch norm of 2·6.
        Assert.Equal(24 + 39 + 8 + 6 + 96 + 21 + 12, model.ParameterCount);
    }

    [Fact]
    public void A_dense_model_is_still_written_as_version_1_without_a_conv_field()
    {
        var (tensors, json) = RandomModel(Spec with { Conv = null, BatchNorm = false }, seed: 5);
        var written = JsonNode.Parse(TrainedModel.Deserialize(SafeTensors.Write(tensors.Values), json).Serialize().Json)!;

        Assert.Equal(1, (int?)written["version"]);
        Assert.False(written["network"]!.AsObject().ContainsKey("conv"));
    }

    [Theory]
    [InlineData("""[{"filters": 4, "kernel": 4, "pool": 1, "padding": "same"}]""", "even kernel (4) with same padding")]
    [InlineData("""[{"filters": 4, "kernel": 9, "pool": 30, "padding": "valid"}]""", "37 inputs leave no position after conv stage 0")]
    public void A_cnn1d_that_cannot_be_built_is_refused_by_name(string conv, string expected)
    {
        var (tensors, json) = RandomModel(Spec, seed: 6);
        var document = JsonNode.Parse(json)!;
        document["network"]!["conv"] = JsonNode.Parse(conv);

        var error = Assert.Throws<InvalidDataException>(() => TrainedModel.Deserialize(SafeTensors.Write(tensors.Values), document.ToJsonString()));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Conv_in_a_version_1_file_is_refused()
    {
        var (tensors, json) = RandomModel(Spec, seed: 7);
        var document = JsonNode.Parse(json)!;
        document["version"] = 1;

        var error = Assert.Throws<InvalidDataException>(() => TrainedModel.Deserialize(SafeTensors.Write(tensors.Values), document.ToJsonString()));

        Assert.Contains("network.conv", error.Message);
    }

    /// <summary>model.json (as a command trainer writes it) and random tensors for every name the architecture needs.</summary>
    private static (Dictionary<string, NamedTensor> Tensors, string Json) RandomModel(NetworkSpec spec, ulong seed)
    {
        var rng = new Rng(seed);
        var tensors = new Dictionary<string, NamedTensor>();
        void Add(string name, float low, float high, params int[] shape)
        {
            var values = new float[shape.Aggregate(1, (n, d) => n * d)];
            for (var i = 0; i < values.Length; i++) values[i] = low + (high - low) * rng.NextSingle();
            tensors[name] = new NamedTensor(name, shape, values);
        }
        void AddNorm(string name, int width)
        {
            Add(name + ".weight", 0.5f, 1.5f, width);
            Add(name + ".bias", -0.5f, 0.5f, width);
            Add(name + ".running_mean", -0.5f, 0.5f, width);
            Add(name + ".running_var", 0.5f, 2f, width);
        }

        var (channels, length) = (1, Length);
        var conv = spec.Conv ?? [];
        for (var i = 0; i < conv.Count; i++)
        {
            Add($"conv.{i}.weight", -0.6f, 0.6f, conv[i].Filters, channels, conv[i].Kernel);
            Add($"conv.{i}.bias", -0.2f, 0.2f, conv[i].Filters);
            if (spec.BatchNorm) AddNorm($"conv_norms.{i}", conv[i].Filters);
            (channels, length) = (conv[i].Filters, conv[i].OutputLength(length));
        }
        var width = channels * length;
        for (var i = 0; i < spec.Hidden.Count; i++)
        {
            Add($"layers.{i}.weight", -0.4f, 0.4f, spec.Hidden[i], width);
            Add($"layers.{i}.bias", -0.2f, 0.2f, spec.Hidden[i]);
            if (spec.BatchNorm) AddNorm($"norms.{i}", spec.Hidden[i]);
            width = spec.Hidden[i];
        }
        Add($"layers.{spec.Hidden.Count}.weight", -0.5f, 0.5f, Classes, width);
        Add($"layers.{spec.Hidden.Count}.bias", -0.2f, 0.2f, Classes);

        var names = string.Join(", ", Enumerable.Range(0, Length).Select(i => $"\"bin_{i}\""));
        var mean = string.Join(", ", Enumerable.Range(0, Length).Select(i => (0.1 * i).ToString(CultureInfo.InvariantCulture)));
        var scale = string.Join(", ", Enumerable.Range(0, Length).Select(i => (1 + 0.05 * i).ToString(CultureInfo.InvariantCulture)));
        var convJson = spec.Conv is null ? "" : ",\n\"conv\": [" + string.Join(", ", spec.Conv.Select(c =>
            $$"""{"filters": {{c.Filters}}, "kernel": {{c.Kernel}}, "pool": {{c.Pool}}, "padding": "{{c.Padding.ToString().ToLowerInvariant()}}"}""")) + "]";
        var json = $$"""
            {"format": "ensemblefarm.dense-network", "version": {{(spec.Conv is null ? 1 : 2)}}, "task": "multiclass",
             "inputWidth": {{Length}}, "outputWidth": {{Classes}}, "classCount": {{Classes}}, "featureNames": [{{names}}],
             "network": {"hidden": [{{string.Join(", ", spec.Hidden)}}], "activation": "gelu", "dropout": 0.1, "batchNorm": {{(spec.BatchNorm ? "true" : "false")}},
                         "residual": false, "leakyReluSlope": 0.01, "initialization": "pyTorch"{{convJson}} },
             "standardizer": {"mean": [{{mean}}], "scale": [{{scale}}]} }
            """;
        return (tensors, json);
    }

    private static float[] RandomFeatures(int rows, ulong seed)
    {
        var rng = new Rng(seed);
        var features = new float[rows * Length];
        for (var i = 0; i < features.Length; i++) features[i] = (float)(0.1 * (i % Length) + 2 * rng.NextGaussian());
        return features;
    }

    /// <summary>The model's forward pass for one row of raw features, straight from the definitions, in double precision.</summary>
    private static double[] Reference(Dictionary<string, NamedTensor> t, ReadOnlySpan<float> raw)
    {
        var x = new double[1, Length];
        for (var i = 0; i < Length; i++) x[0, i] = (raw[i] - 0.1 * i) / (1 + 0.05 * i);
        for (var s = 0; s < Stages.Length; s++)
        {
            var stage = Stages[s];
            var (channels, length) = (x.GetLength(0), x.GetLength(1));
            var convolved = length + 2 * stage.PaddingWidth - stage.Kernel + 1;
            var y = new double[stage.Filters, convolved];
            var w = t[$"conv.{s}.weight"].Data;
            for (var f = 0; f < stage.Filters; f++)
            for (var p = 0; p < convolved; p++)
            {
                double sum = t[$"conv.{s}.bias"].Data[f];
                for (var c = 0; c < channels; c++)
                for (var k = 0; k < stage.Kernel; k++)
                {
                    var at = p + k - stage.PaddingWidth;
                    if (at >= 0 && at < length) sum += w[(f * channels + c) * stage.Kernel + k] * x[c, at];
                }
                y[f, p] = Gelu(Norm(t, $"conv_norms.{s}", f, sum));
            }
            var pooled = new double[stage.Filters, convolved / stage.Pool];
            for (var f = 0; f < stage.Filters; f++)
            for (var j = 0; j < pooled.GetLength(1); j++)
                pooled[f, j] = Enumerable.Range(j * stage.Pool, stage.Pool).Max(p => y[f, p]);
            x = pooled;
        }
        var flat = x.Cast<double>().ToArray();
        var hidden = Dense(t, "layers.0", flat).Select((v, i) => Gelu(Norm(t, "norms.0", i, v))).ToArray();
        var logits = Dense(t, "layers.1", hidden);
        var max = logits.Max();
        var exp = logits.Select(z => Math.Exp(z - max)).ToArray();
        return [.. exp.Select(e => e / exp.Sum())];
    }

    private static double[] Dense(Dictionary<string, NamedTensor> t, string name, double[] input)
    {
        var (w, b) = (t[name + ".weight"], t[name + ".bias"].Data);
        return [.. Enumerable.Range(0, b.Length).Select(o => b[o] + Enumerable.Range(0, input.Length).Sum(i => w.Data[o * input.Length + i] * input[i]))];
    }

    private static double Norm(Dictionary<string, NamedTensor> t, string name, int channel, double value) =>
        (value - t[name + ".running_mean"].Data[channel]) / Math.Sqrt(t[name + ".running_var"].Data[channel] + 1e-5)
        * t[name + ".weight"].Data[channel] + t[name + ".bias"].Data[channel];

    private static double Gelu(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
}
