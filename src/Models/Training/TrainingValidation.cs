using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Metrics;
using EnsembleFarm.Models.Nn;

namespace EnsembleFarm.Models.Training;

/// <summary>Checks a training request up front, so bad input fails before any work with a message that names the field.</summary>
internal static class TrainingValidation
{
    public static void Check(NetworkSpec network, Dataset train, Dataset? validation, TrainingOptions options)
    {
        if (network.IsConvolutional)
            throw new ArgumentException(
                "The built-in trainer trains dense networks; a network with convolutions (cnn1d) trains through a command trainer.", nameof(network));
        if (options.Epochs <= 0) throw new ArgumentException($"TrainingOptions.Epochs is {options.Epochs}; it must be positive.", nameof(options));
        if (options.BatchSize <= 0) throw new ArgumentException($"TrainingOptions.BatchSize is {options.BatchSize}; it must be positive.", nameof(options));
        if (options.Threads <= 0) throw new ArgumentException($"TrainingOptions.Threads is {options.Threads}; it must be positive.", nameof(options));
        if (options.FgsmEpsilon is { } epsilon && !(epsilon > 0f && float.IsFinite(epsilon)))
            throw new ArgumentException($"TrainingOptions.FgsmEpsilon is {epsilon}; it must be positive (or null for no FGSM).", nameof(options));
        if (options.GradientClipNorm is { } clip && !(clip > 0f && float.IsFinite(clip)))
            throw new ArgumentException($"TrainingOptions.GradientClipNorm is {clip}; it must be positive (or null for no clipping).", nameof(options));
        if (network.BatchNorm && train.Rows < 2)
            throw new ArgumentException("Batch normalisation needs at least two training rows.", nameof(train));
        if (network.BatchNorm && options.BatchSize < 2)
            throw new ArgumentException("Batch normalisation needs TrainingOptions.BatchSize of at least 2.", nameof(options));

        CheckTargets(train, nameof(train));
        if (validation is not null)
        {
            if (validation.Task != train.Task)
                throw new ArgumentException($"The validation data is for a {validation.Task} task but the training data for {train.Task}.", nameof(validation));
            if (validation.Columns != train.Columns)
                throw new ArgumentException($"The validation data has {validation.Columns} feature columns but the training data {train.Columns}.", nameof(validation));
            if (validation.TargetWidth != train.TargetWidth || validation.ClassCount != train.ClassCount)
                throw new ArgumentException($"The validation targets ({validation.TargetWidth} columns, {validation.ClassCount} classes) differ from the training targets ({train.TargetWidth} columns, {train.ClassCount} classes).", nameof(validation));
            if (validation.Rows == 0) throw new ArgumentException("The validation data has no rows.", nameof(validation));
            CheckTargets(validation, nameof(validation));
        }
        if (options.EarlyStopping is { } stopping) CheckEarlyStoppingMetric(stopping.Metric, train.Task, validation is not null);
    }

    private static void CheckTargets(Dataset data, string parameter)
    {
        if (data.Rows == 0) throw new ArgumentException("The dataset has no rows.", parameter);
        for (var r = 0; r < data.Rows; r++)
        {
            var target = data.Target(r);
            for (var t = 0; t < target.Length; t++)
            {
                var value = target[t];
                var valid = data.Task == TaskKind.Regression
                    ? float.IsFinite(value)
                    : value >= 0 && value < data.ClassCount && value == MathF.Floor(value);
                if (!valid)
                {
                    var expected = data.Task == TaskKind.Regression ? "a finite number" : $"a class index in 0..{data.ClassCount - 1}";
                    throw new ArgumentException($"Target '{data.TargetNames[t]}' of row {r} is {value}; expected {expected}.", parameter);
                }
            }
        }
    }

    private static void CheckEarlyStoppingMetric(string metric, TaskKind task, bool hasValidation)
    {
        var known = new List<string> { "train_loss" };
        if (hasValidation) known.AddRange(["val_loss", .. TaskMetrics.Names(task).Select(n => "val_" + n)]);
        if (!known.Contains(metric))
        {
            var hint = !hasValidation && metric.StartsWith("val_", StringComparison.Ordinal) ? " (validation metrics need validation data)" : "";
            throw new ArgumentException($"EarlyStoppingSpec.Metric '{metric}' is not an epoch metric here{hint}; choose one of: {string.Join(", ", known)}.", "options");
        }
    }
}
