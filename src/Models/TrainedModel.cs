using System.Numerics.Tensors;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Nn;
using EnsembleFarm.Models.Persistence;

namespace EnsembleFarm.Models;

/// <summary>
/// A trained network with what it needs to predict from raw features: its task and the standardisation
/// fitted on its training data. Saved as model.safetensors (weights, PyTorch-loadable) and model.json.
/// A dense network is the built-in trainer's; a cnn1d (trained by a command trainer) runs its convolutional front
/// before the same dense layers. Predictions are serialised on one lock, since the network and the standardised
/// inputs reuse their buffers.
/// </summary>
public sealed class TrainedModel
{
    public const string WeightsFileName = "model.safetensors";
    public const string DescriptionFileName = "model.json";

    /// <summary>The dense layers; in a cnn1d they take the flattened output of <see cref="_front"/>.</summary>
    private readonly Network _network;

    private readonly Conv1dInferenceFront? _front;

    // Standardised inputs of the last batch and a chunk of the front's outputs, reused under the network's lock.
    private float[] _standardized = [];
    private float[] _frontOutputs = [];

    internal TrainedModel(Network network, TaskKind task, int classCount, Standardizer standardizer, IReadOnlyList<string> featureNames)
        : this(network.Spec, null, network, task, classCount, standardizer, featureNames)
    {
    }

    private TrainedModel(NetworkSpec spec, Conv1dInferenceFront? front, Network network, TaskKind task, int classCount, Standardizer standardizer,
        IReadOnlyList<string> featureNames)
    {
        var inputWidth = front?.InputWidth ?? network.InputWidth;
        if (standardizer.Width != inputWidth)
            throw new ArgumentException($"The standardizer has {standardizer.Width} columns but the network takes {inputWidth} inputs.", nameof(standardizer));
        if (featureNames.Count != inputWidth)
            throw new ArgumentException($"{featureNames.Count} feature names given for a network of {inputWidth} inputs.", nameof(featureNames));
        Network = spec;
        _front = front;
        _network = network;
        State = [.. front?.State ?? [], .. network.State];
        Task = task;
        ClassCount = task == TaskKind.Regression ? 0 : classCount;
        Standardizer = standardizer;
        FeatureNames = [.. featureNames];
    }

    public TaskKind Task { get; }
    /// <summary>The whole architecture: the dense layers, and the convolutions before them in a cnn1d.</summary>
    public NetworkSpec Network { get; }

    public int InputWidth => _front?.InputWidth ?? _network.InputWidth;

    /// <summary>Outputs per row of the network: 1 (binary), K (multi-class) or the number of regression targets.</summary>
    public int OutputWidth => _network.OutputWidth;

    /// <summary>2 for binary, K for multi-class, 0 for regression.</summary>
    public int ClassCount { get; }

    /// <summary>Trainable values of the network (weights, biases, batch-norm scales and shifts): what a search may keep small.</summary>
    public long ParameterCount => _network.Parameters.Sum(p => (long)p.Value.Data.Length) + (_front?.ParameterCount ?? 0);

    /// <summary>Every tensor the model is saved with: the front's (in a cnn1d), then the dense layers'.</summary>
    private IReadOnlyList<NamedTensor> State { get; }

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
            if (_front is null) _network.Infer(standardized, rows, outputs);
            else InferThroughFront(standardized, rows, outputs);
        }
        ToPredictions(Task, outputs, rows, OutputWidth);
    }

    /// <summary>
    /// The front and the dense layers chunk by chunk, so the front's (wide) outputs take one chunk's room; the chunks are
    /// those <see cref="Nn.Network.Infer"/> makes, so the dense layers compute exactly what they would on all rows.
    /// </summary>
    private void InferThroughFront(ReadOnlySpan<float> standardized, int rows, Span<float> outputs)
    {
        var front = _front!;
        var chunkWidth = InferenceChunkRows * front.OutputWidth;
        if (_frontOutputs.Length < chunkWidth) _frontOutputs = new float[chunkWidth];
        for (var start = 0; start < rows; start += InferenceChunkRows)
        {
            var n = Math.Min(InferenceChunkRows, rows - start);
            var chunk = _frontOutputs.AsSpan(0, n * front.OutputWidth);
            front.Infer(standardized.Slice(start * InputWidth, n * InputWidth), n, chunk);
            _network.Infer(chunk, n, outputs.Slice(start * OutputWidth, n * OutputWidth));
        }
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
        var copy = Build(Network, Task, InputWidth, OutputWidth, ClassCount, Standardizer, FeatureNames);
        for (var i = 0; i < State.Count; i++) State[i].Data.CopyTo(copy.State[i].Data, 0);
        return copy;
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
            ModelDocument.FormatName, ModelDocument.VersionFor(Network), Task, InputWidth, OutputWidth, ClassCount, FeatureNames,
            NetworkDocument.From(Network), new StandardizerDocument([.. Standardizer.Mean], [.. Standardizer.Scale]));
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["producer"] = "EnsembleFarm" };
        return (SafeTensors.Write(State, metadata), document.ToJson());
    }

    public static TrainedModel Deserialize(byte[] weights, string json)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(json);
        var document = ModelDocument.FromJson(json);
        Standardizer standardizer;
        try
        {
            standardizer = new Standardizer(document.Standardizer.Mean, document.Standardizer.Scale);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"model.json describes a model that cannot be built: {e.Message}", e);
        }
        if (standardizer.Width != document.InputWidth)
            throw new InvalidDataException($"model.json describes a model that cannot be built: its standardizer has {standardizer.Width} columns but inputWidth is {document.InputWidth}.");
        return FromWeights(weights, document.Network.ToSpec(), document.Task, document.OutputWidth, document.ClassCount, standardizer, document.FeatureNames,
            "model.json");
    }

    /// <summary>
    /// A model of the given architecture with the weights of a safetensors file that another program wrote (a command
    /// trainer): every tensor the architecture has, of its shape, and no other, named as <see cref="Save"/> names them.
    /// </summary>
    /// <exception cref="InvalidDataException">The architecture cannot be built, or the weights do not fit it; the message says which tensor.</exception>
    public static TrainedModel FromWeights(byte[] weights, NetworkSpec network, TaskKind task, int outputWidth, int classCount, Standardizer standardizer,
        IReadOnlyList<string> featureNames) =>
        FromWeights(weights, network, task, outputWidth, classCount, standardizer, featureNames, "the spec");

    private static TrainedModel FromWeights(byte[] weights, NetworkSpec network, TaskKind task, int outputWidth, int classCount, Standardizer standardizer,
        IReadOnlyList<string> featureNames, string describedBy)
    {
        ArgumentNullException.ThrowIfNull(weights);
        TrainedModel model;
        try
        {
            model = Build(network, task, standardizer.Width, outputWidth, classCount, standardizer, featureNames);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{describedBy} describes a model that cannot be built: {e.Message}", e);
        }
        var tensors = SafeTensors.Read(weights);
        foreach (var expected in model.State)
        {
            if (!tensors.TryGetValue(expected.Name, out var stored))
                throw new InvalidDataException($"The weights lack tensor '{expected.Name}' that the architecture in {describedBy} needs.");
            if (!stored.Shape.SequenceEqual(expected.Shape))
                throw new InvalidDataException($"Tensor '{expected.Name}' has shape [{string.Join(", ", stored.Shape)}]; the architecture needs [{string.Join(", ", expected.Shape)}].");
            stored.Data.CopyTo(expected.Data, 0);
        }
        if (tensors.Count != model.State.Count)
        {
            var unexpected = tensors.Keys.Except(model.State.Select(t => t.Name)).First();
            throw new InvalidDataException($"The weights hold tensor '{unexpected}' that the architecture in {describedBy} does not have.");
        }
        return model;
    }

    /// <summary>A model of this architecture whose weights the caller overwrites (they start as seed 0 draws them).</summary>
    private static TrainedModel Build(NetworkSpec spec, TaskKind task, int inputWidth, int outputWidth, int classCount, Standardizer standardizer,
        IReadOnlyList<string> featureNames)
    {
        var front = spec.IsConvolutional
            ? new Conv1dInferenceFront(spec.Conv!, inputWidth, spec.Activation, spec.LeakyReluSlope, spec.BatchNorm)
            : null;
        var network = new Network(spec with { Conv = null }, front?.OutputWidth ?? inputWidth, outputWidth, seed: 0);
        return new TrainedModel(spec, front, network, task, classCount, standardizer, featureNames);
    }
}
