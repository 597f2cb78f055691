using System.Text.Json;
using System.Text.Json.Serialization;
using EnsembleFarm.Models.Nn;

namespace EnsembleFarm.Models.Persistence;

/// <summary>
/// model.json: everything besides the weights that a saved model needs to predict — the architecture,
/// the task and the feature standardisation. Floats are written in their shortest round-trip form, so a
/// reloaded model predicts bit-identically. Version 1 describes dense networks; version 2 adds <c>network.conv</c>
/// (a cnn1d). A dense model is still written as version 1, so builds that read only version 1 keep reading it.
/// </summary>
internal sealed record ModelDocument(
    string Format,
    int Version,
    TaskKind Task,
    int InputWidth,
    int OutputWidth,
    int ClassCount,
    IReadOnlyList<string> FeatureNames,
    NetworkDocument Network,
    StandardizerDocument Standardizer)
{
    public const string FormatName = "ensemblefarm.dense-network";
    public const int DenseVersion = 1;
    public const int ConvolutionalVersion = 2;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static ModelDocument FromJson(string json)
    {
        ModelDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<ModelDocument>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"model.json is not a valid model description: {e.Message}", e);
        }
        if (document is null || document.Format != FormatName)
            throw new InvalidDataException($"model.json is not an EnsembleFarm model (expected format '{FormatName}').");
        if (document.Version is not (DenseVersion or ConvolutionalVersion))
            throw new InvalidDataException($"model.json has format version {document.Version}; this build reads versions {DenseVersion} and {ConvolutionalVersion}.");
        if (document.Network is null || document.Standardizer is null || document.FeatureNames is null)
            throw new InvalidDataException("model.json lacks its network, standardizer or featureNames section.");
        if (document.Network.Conv is not null && document.Version < ConvolutionalVersion)
            throw new InvalidDataException($"model.json has network.conv, which format version {ConvolutionalVersion} introduced, but says version {document.Version}.");
        return document;
    }

    /// <summary>The version a model of this architecture is written with: the oldest that describes it.</summary>
    public static int VersionFor(NetworkSpec network) => network.IsConvolutional ? ConvolutionalVersion : DenseVersion;
}

/// <param name="Initialization">
/// How the weights started; it does not change what the model computes, but keeps <see cref="TrainedModel.Network"/>
/// equal to the spec it was trained with. Absent from files written before issue 10, whose networks all started
/// with <see cref="Nn.Initialization.HeXavierUniform"/>.
/// </param>
/// <param name="Conv">A cnn1d's convolution stages (format version 2); absent for a dense network.</param>
internal sealed record NetworkDocument(
    IReadOnlyList<int> Hidden, Activation Activation, float Dropout, bool BatchNorm, bool Residual, float LeakyReluSlope,
    Initialization? Initialization,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<Conv1dStageDocument>? Conv = null)
{
    public static NetworkDocument From(NetworkSpec spec) =>
        new([.. spec.Hidden], spec.Activation, spec.Dropout, spec.BatchNorm, spec.Residual, spec.LeakyReluSlope, spec.Initialization,
            spec.IsConvolutional ? [.. spec.Conv!.Select(c => new Conv1dStageDocument(c.Filters, c.Kernel, c.Pool, c.Padding))] : null);

    public NetworkSpec ToSpec() =>
        new([.. Hidden], Activation, Dropout, BatchNorm, Residual, LeakyReluSlope, Initialization ?? Nn.Initialization.HeXavierUniform,
            Conv is null ? null : [.. Conv.Select(c => new Conv1dStage(c.Filters, c.Kernel, c.Pool, c.Padding))]);
}

/// <summary>One convolution stage as model.json writes it: <c>{"filters": 16, "kernel": 7, "pool": 2, "padding": "same"}</c>.</summary>
internal sealed record Conv1dStageDocument(int Filters, int Kernel, int Pool, Conv1dPadding Padding);

internal sealed record StandardizerDocument(IReadOnlyList<float> Mean, IReadOnlyList<float> Scale);
