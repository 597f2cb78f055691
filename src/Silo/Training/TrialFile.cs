using System.Text.Json;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Store;

namespace EnsembleFarm.Silo.Training;

/// <summary>
/// The trial file a command trainer reads (docs/trainer-protocol.md): who the trial is, the data set and which of its
/// rows train, validate and test, the standardisation the farm fitted on the training rows (so that the farm's model
/// predicts from raw features as the trainer's did), the spec's model and training sections with every default filled
/// in, and where to write.
/// </summary>
internal static class TrialFile
{
    public const int ProtocolVersion = 1;

    /// <param name="device"><c>cuda</c> when the runner gave the trial GPUs, else <c>auto</c> (the trainer's choice).</param>
    public static void Write(string path, ClaimedTrial claim, CampaignSpec spec, Dataset data, TrialRows rows, Standardizer standardizer,
        int outputWidth, string outputFolder, string device)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteNumber("protocol", ProtocolVersion);
        json.WriteNumber("campaign_id", claim.Campaign.Id);
        json.WriteNumber("trial_id", claim.Trial.Id);
        json.WriteNumber("trial_index", claim.Trial.Index);
        json.WriteNumber("attempt", claim.Lease.Attempt);
        json.WriteNumber("seed", claim.Trial.InitSeed);
        json.WriteString("task", TaskNames.Of(data.Task));
        json.WriteNumber("class_count", data.ClassCount);
        json.WriteNumber("output_width", outputWidth);

        json.WriteStartObject("dataset");
        json.WriteString("path", claim.Campaign.DatasetPath);
        json.WriteString("sha256", claim.Campaign.DatasetSha256);
        if (spec.Dataset.IdColumn is { } id) json.WriteString("id_column", id);
        else json.WriteNull("id_column");
        WriteStrings(json, "feature_columns", data.FeatureNames);
        WriteStrings(json, "target_columns", data.TargetNames);
        json.WriteEndObject();

        json.WriteStartObject("rows");
        WriteInts(json, "train", rows.Train);
        WriteInts(json, "validation", rows.Validation);
        WriteInts(json, "test", rows.Test);
        json.WriteEndObject();

        json.WriteStartObject("standardizer");
        WriteFloats(json, "mean", standardizer.Mean);
        WriteFloats(json, "scale", standardizer.Scale);
        json.WriteEndObject();

        json.WritePropertyName("model");
        SpecJson.WriteModel(json, spec.Model);
        json.WritePropertyName("training");
        SpecJson.WriteTraining(json, spec.TrainingFor(claim.Trial.InitSeed), data.Task);
        json.WriteString("output", outputFolder);
        json.WriteString("device", device);
        json.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values) json.WriteStringValue(value);
        json.WriteEndArray();
    }

    private static void WriteInts(Utf8JsonWriter json, string name, IEnumerable<int> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values) json.WriteNumberValue(value);
        json.WriteEndArray();
    }

    private static void WriteFloats(Utf8JsonWriter json, string name, IEnumerable<float> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values) json.WriteNumberValue(value);
        json.WriteEndArray();
    }
}

/// <summary>A trial's rows of the data set (0-based, in file order): what it trains, validates and is tested on.</summary>
internal sealed record TrialRows(int[] Train, int[] Validation, int[] Test);
