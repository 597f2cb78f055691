using System.Globalization;
using System.Text.Json;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Metrics;
using EnsembleFarm.Models.Nn;
using EnsembleFarm.Store;

namespace EnsembleFarm.Silo.Training;

/// <summary>
/// Reads and checks what a command trainer left in its output folder (docs/trainer-protocol.md): metrics.json,
/// predictions.csv and model.safetensors. Each problem is an <see cref="InvalidDataException"/> whose message names the
/// file and what is wrong, since it becomes the attempt's error.
/// </summary>
internal static class TrainerOutputs
{
    public const string MetricsFile = "metrics.json";
    public const string PredictionsFile = "predictions.csv";

    /// <summary>
    /// How far the farm's model may predict from the trainer's own predictions: float32 kernels in another order (and
    /// a GPU's) differ in the last digits; a weight laid out wrongly differs by far more.
    /// </summary>
    private const float Tolerance = 2e-3f;

    /// <summary>The trial's outcome: the farm's metrics of the test predictions, with the trainer's own metrics beside them.</summary>
    public static TrialOutcome Read(string folder, NetworkSpec network, Dataset test, Standardizer standardizer, int outputWidth)
    {
        var trainerMetrics = ReadMetrics(Path.Combine(folder, MetricsFile));
        var predictions = ReadPredictions(Path.Combine(folder, PredictionsFile), test.Rows, outputWidth);
        var weightsPath = Path.Combine(folder, TrainedModel.WeightsFileName);
        if (!File.Exists(weightsPath)) throw new InvalidDataException($"the trainer wrote no {TrainedModel.WeightsFileName}");
        TrainedModel model;
        try
        {
            model = TrainedModel.FromWeights(File.ReadAllBytes(weightsPath), network, test.Task, outputWidth, test.ClassCount, standardizer, test.FeatureNames);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{TrainedModel.WeightsFileName} cannot be loaded as the spec's model: {e.Message}", e);
        }
        CheckReproduced(model.Predict(test), predictions, outputWidth);

        var metrics = new Dictionary<string, double>(TaskMetrics.Evaluate(test.Task, predictions, test.Targets, test.ClassCount));
        foreach (var (name, value) in trainerMetrics) metrics.TryAdd(name, value);
        var (weights, json) = model.Serialize();
        return new TrialOutcome(metrics, predictions, outputWidth, weights, json);
    }

    private static Dictionary<string, double> ReadMetrics(string path)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"the trainer wrote no {MetricsFile}");
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{MetricsFile} is not a JSON object of metric names and numbers");
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Number || !double.IsFinite(property.Value.GetDouble()))
                    throw new InvalidDataException($"{MetricsFile}: '{property.Name}' is {property.Value.GetRawText()}, not a finite number");
                metrics[property.Name] = property.Value.GetDouble();
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{MetricsFile} is not valid JSON ({e.Message}); NaN and Infinity are not JSON numbers", e);
        }
        return metrics;
    }

    private static float[] ReadPredictions(string path, int rows, int width)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"the trainer wrote no {PredictionsFile} (the test rows' predictions)");
        var predictions = new float[rows * width];
        var row = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0) continue;
            if (row == rows) throw new InvalidDataException($"{PredictionsFile} has more than the {rows} test rows");
            var cells = line.Split(',');
            if (cells.Length != width)
                throw new InvalidDataException($"{PredictionsFile} line {row + 1} has {cells.Length} values; this task needs {width} per row");
            for (var j = 0; j < width; j++)
            {
                if (!float.TryParse(cells[j], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !float.IsFinite(value))
                    throw new InvalidDataException($"{PredictionsFile} line {row + 1}: '{cells[j]}' is not a finite number");
                predictions[row * width + j] = value;
            }
            row++;
        }
        if (row != rows) throw new InvalidDataException($"{PredictionsFile} has {row} rows; the test part has {rows}");
        return predictions;
    }

    private static void CheckReproduced(float[] farm, float[] trainer, int width)
    {
        for (var i = 0; i < farm.Length; i++)
        {
            if (Math.Abs(farm[i] - trainer[i]) > Tolerance + Tolerance * Math.Abs(trainer[i]))
                throw new InvalidDataException(
                    $"{TrainedModel.WeightsFileName} does not reproduce the trainer's predictions (test row {i / width + 1}: the trainer says " +
                    $"{trainer[i].ToString(CultureInfo.InvariantCulture)}, the farm's model {farm[i].ToString(CultureInfo.InvariantCulture)}): " +
                    "its tensors are not laid out as the farm's model reads them (docs/trainer-protocol.md), or the predictions were not made in eval mode");
        }
    }
}
