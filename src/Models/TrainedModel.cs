using System.Numerics.Tensors;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Nn;
using EnsembleFarm.Models.Persistence;

namespace EnsembleFarm.Models;

/// <summary>
/// A trained network with what it needs to predict from raw features: its task and the standardisation
/// fitted on its training data. Saved as model.safetensors (weights, PyTorch-loadable) and model.json.
/// Predictions are serialised on one lock, since the network and the standardised inputs reuse their buffers.
/// </summary>
public sealed class TrainedModel
{
    public const string WeightsFileName = "model.safetensors";
    public const string DescriptionFileName = "model.json";

    private readonly Network _network;

    // Standardised inputs of the last batch, reused under the network's lock.
    private float[] _standardized = [];

    internal TrainedModel(Network network, TaskKind task, int classCount, Standardizer standardizer, IReadOnlyList<string> featureNames)
    {
        if (standardizer.Width != network.InputWidth)
            throw new ArgumentException($"The standardizer has {standardizer.Width} columns but the network takes {network.InputWidth} inputs.", nameof(standardizer));
        if (featureNames.Count != network.InputWidth)
            throw new ArgumentException($"{featureNames.Count} feature names given for a network of {network.InputWidth} inputs.", nameof(featureNames));
        _network = network;
        Task = task;
        ClassCount = task == TaskKind.Regression ? 0 : classCount;
        Standardizer = standardizer;
        FeatureNames = [.. featureNames];
    }

    public TaskKind Task { get; }
    public NetworkSpec Network => _network.Spec;
    public int InputWidth => _network.InputWidth;

    /// <summary>Outputs per row of the network: 1 (binary), K (multi-class) or the number of regression targets.</summary>
    public int OutputWidth => _network.OutputWidth;

    /// <summary>2 for binary, K for multi-class, 0 for regression.</summary>
    public int ClassCount { get; }

    /// <summary>Trainable values of the network (weights, biases, batch-norm scales and shifts): what a search may keep small.</summary>
    public long ParameterCount => _network.Parameters.Sum(p => (long)p.Value.Data.Length);

    public Standardizer Standardizer { get; }

    /// <summary>The training data's feature columns, in input order.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Predictions for every row of <paramref name="data"/>; see <see cref="Predict(ReadOnlySpan{float}, int)"/>.</summary>
    public float[] Predict(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Columns != InputWidth)
            throw new ArgumentException($"The dataset has {data.Columns} feature columns but the model was trained on {InputWidth}.", nameof(data));
        return Predict(data.Features, data.Rows);
    }

    /// <summary>
    /// Predictions from raw (unstandardised) features, rows × <see cref="InputWidth"/>, row-major:
    /// binary: P(y = 1) per row; multi-class: rows × K softmax probabilities; regression: rows × outputs.
    /// </summary>
    public float[] Predict(ReadOnlySpan<float> features, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        var predictions = new float[rows * OutputWidth];
        Predict(features, rows, predictions);
        return predictions;
    }

    /// <summary>
    /// <see cref="Predict(ReadOnlySpan{float}, int)"/> into <paramref name="predictions"/> (at least rows ×
    /// <see cref="OutputWidth"/>), with no allocation once the model has seen a batch this large: for callers that run
    /// many batches. Every row's prediction is bit-identical to the one a single call on all rows gives for it, provided
    /// every batch but the last holds a multiple of <see cref="InferenceChunkRows"/> rows.
    /// </summary>
    public void Predict(ReadOnlySpan<float> features, int rows, Span<float> predictions)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (features.Length != rows * InputWidth)
            throw new ArgumentException($"Expected {rows} rows × {InputWidth} features = {rows * InputWidth} values, got {features.Length}.", nameof(features));
        if (predictions.Length < rows * OutputWidth)
            throw new ArgumentException($"Room for {rows * OutputWidth} predictions is needed, got {predictions.Length}.", nameof(predictions));
        var outputs = predictions[..(rows * OutputWidth)];
        lock (_network)
        {
            if (_standardized.Length < features.Length) _standardized = new float[features.Length];
            var standardized = _standardized.AsSpan(0, features.Length);
            Standardizer.Transform(features, standardized, rows);
            _network.Infer(standardized, rows, outputs);
        }
        ToPredictions(Task, outputs, rows, OutputWidth);
    }

    /// <summary>The network runs inference in chunks of this many rows (see <see cref="Network.InferenceChunkRows"/>).</summary>
    public const int InferenceChunkRows = Nn.Network.InferenceChunkRows;

    /// <summary>Turns raw outputs into predictions in place: sigmoid (binary), softmax per row (multi-class), identity (regression).</summary>
    internal static void ToPredictions(TaskKind task, Span<float> outputs, int rows, int width)
    {
        switch (task)
        {
            case TaskKind.Binary:
                TensorPrimitives.Sigmoid(outputs[..rows], outputs);
                break;
            case TaskKind.Multiclass:
                for (var r = 0; r < rows; r++)
                {
                    var row = outputs.Slice(r * width, width);
                    TensorPrimitives.SoftMax(row, row);
                }
                break;
        }
    }

    /// <summary>
    /// An independent copy with its own buffers that predicts bit-identically: predictions on one model are serialised, so
    /// a caller that runs a model on several threads at once gives each thread a copy.
    /// </summary>
    public TrainedModel Clone()
    {
        var network = new Network(Network, InputWidth, OutputWidth, seed: 0);
        for (var i = 0; i < network.State.Count; i++) _network.State[i].Data.CopyTo(network.State[i].Data, 0);
        return new TrainedModel(network, Task, ClassCount, Standardizer, FeatureNames);
    }

    /// <summary>Writes model.safetensors and model.json into <paramref name="directory"/> (created if missing).</summary>
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        var (weights, json) = Serialize();
        File.WriteAllBytes(Path.Combine(directory, WeightsFileName), weights);
        File.WriteAllText(Path.Combine(directory, DescriptionFileName), json);
    }

    public static TrainedModel Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var weightsPath = Path.Combine(directory, WeightsFileName);
        var jsonPath = Path.Combine(directory, DescriptionFileName);
        if (!File.Exists(weightsPath) || !File.Exists(jsonPath))
            throw new FileNotFoundException($"A saved model needs both {WeightsFileName} and {DescriptionFileName} in '{directory}'.");
        return Deserialize(File.ReadAllBytes(weightsPath), File.ReadAllText(jsonPath));
    }

    /// <summary>The contents of model.safetensors and model.json, for a store that keeps them as blobs.</summary>
    public (byte[] Weights, string Json) Serialize()
    {
        var document = new ModelDocument(
            ModelDocument.FormatName, ModelDocument.CurrentVersion, Task, InputWidth, OutputWidth, ClassCount, FeatureNames,
            NetworkDocument.From(Network), new StandardizerDocument([.. Standardizer.Mean], [.. Standardizer.Scale]));
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["producer"] = "EnsembleFarm" };
        return (SafeTensors.Write(_network.State, metadata), document.ToJson());
    }

    public static TrainedModel Deserialize(byte[] weights, string json)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(json);
        var document = ModelDocument.FromJson(json);
        var standardizer = new Standardizer(document.Standardizer.Mean, document.Standardizer.Scale);
        var network = new Network(document.Network.ToSpec(), document.InputWidth, document.OutputWidth, seed: 0);
        var tensors = SafeTensors.Read(weights);
        foreach (var expected in network.State)
        {
            if (!tensors.TryGetValue(expected.Name, out var stored))
                throw new InvalidDataException($"The weights lack tensor '{expected.Name}' that the architecture in model.json needs.");
            if (!stored.Shape.SequenceEqual(expected.Shape))
                throw new InvalidDataException($"Tensor '{expected.Name}' has shape [{string.Join(", ", stored.Shape)}]; the architecture needs [{string.Join(", ", expected.Shape)}].");
            stored.Data.CopyTo(expected.Data, 0);
        }
        if (tensors.Count != network.State.Count)
        {
            var unexpected = tensors.Keys.Except(network.State.Select(t => t.Name)).First();
            throw new InvalidDataException($"The weights hold tensor '{unexpected}' that the architecture in model.json does not have.");
        }
        return new TrainedModel(network, document.Task, document.ClassCount, standardizer, document.FeatureNames);
    }
}
