using System.Text.Json;
using System.Text.Json.Serialization;

namespace EnsembleFarm.Domain.Prediction;

/// <summary>ensemble.json of an exported ensemble: what it predicts and which folder holds which member.</summary>
internal sealed record EnsembleManifest(
    string Format,
    int Version,
    string Task,
    int ClassCount,
    IReadOnlyList<string> FeatureNames,
    IReadOnlyList<EnsembleManifestMember> Members)
{
    public const string FormatName = "ensemblefarm.ensemble";
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <exception cref="InvalidDataException">Not an ensemble manifest of this version.</exception>
    public static EnsembleManifest FromJson(string json, string path)
    {
        EnsembleManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<EnsembleManifest>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a valid ensemble description: {e.Message}", e);
        }
        if (manifest?.Format != FormatName || manifest.Members is null)
            throw new InvalidDataException($"{path} is not an EnsembleFarm ensemble (expected format '{FormatName}').");
        if (manifest.Version != CurrentVersion)
            throw new InvalidDataException($"{path} has format version {manifest.Version}; this build reads version {CurrentVersion}.");
        return manifest;
    }
}
