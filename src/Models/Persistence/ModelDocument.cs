using System.Text.Json;
using System.Text.Json.Serialization;
using EnsembleFarm.Models.Nn;

namespace EnsembleFarm.Models.Persistence;

/// <summary>
/// model.json: everything besides the weights that a saved model needs to predict — the architecture,
/// the task and the feature standardisation. Floats are written in their shortest round-trip form, so a
/// reloaded model predicts bit-identically.
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
    public const int CurrentVersion = 1;

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
        if (document.Version != CurrentVersion)
            throw new InvalidDataException($"model.json has format version {document.Version}; this build reads version {CurrentVersion}.");
        if (document.Network is null || document.Standardizer is null || document.FeatureNames is null)
            throw new InvalidDataException("model.json lacks its network, standardizer or featureNames section.");
        return document;
    }
}

/// <param name="Initialization">
/// How the weights started; it does not change what the model computes, but keeps <see cref="TrainedModel.Network"/>
/// equal to the spec it was trained with. Absent from files written before issue 10, whose networks all started
/// with <see cref="Nn.Initialization.HeXavierUniform"/>.
/// </param>
internal sealed record NetworkDocument(
    IReadOnlyList<int> Hidden, Activation Activation, float Dropout, bool BatchNorm, bool Residual, float LeakyReluSlope,
    Initialization? Initialization)
{
    public static NetworkDocument From(NetworkSpec spec) =>
        new([.. spec.Hidden], spec.Activation, spec.Dropout, spec.BatchNorm, spec.Residual, spec.LeakyReluSlope, spec.Initialization);

    public NetworkSpec ToSpec() =>
        new([.. Hidden], Activation, Dropout, BatchNorm, Residual, LeakyReluSlope, Initialization ?? Nn.Initialization.HeXavierUniform);
}

internal sealed record StandardizerDocument(IReadOnlyList<float> Mean, IReadOnlyList<float> Scale);
