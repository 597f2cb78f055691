namespace EnsembleFarm.Models.Metrics;

/// <summary>
/// The standard metric set of each task, under the names used everywhere (epoch reports, the store, the CLI):
/// binary: accuracy, auc, pr_auc, log_loss, brier, ece; multiclass: accuracy, macro_f1, log_loss;
/// regression: rmse, mae, r2. Epoch reports prefix them with "train_" or "val_".
/// </summary>
public static class TaskMetrics
{
    public const string Accuracy = "accuracy";
    public const string RocAuc = "auc";
    public const string PrAuc = "pr_auc";
    public const string LogLoss = "log_loss";
    public const string Brier = "brier";
    public const string CalibrationError = "ece";
    public const string MacroF1 = "macro_f1";
    public const string Rmse = "rmse";
    public const string Mae = "mae";
    public const string R2 = "r2";

    private static readonly string[] BinaryNames = [Accuracy, RocAuc, PrAuc, LogLoss, Brier, CalibrationError];
    private static readonly string[] MulticlassNames = [Accuracy, MacroF1, LogLoss];
    private static readonly string[] RegressionNames = [Rmse, Mae, R2];
    private static readonly HashSet<string> HigherIsBetter = [Accuracy, RocAuc, PrAuc, MacroF1, R2];
    private static readonly HashSet<string> LowerIsBetter = [LogLoss, Brier, CalibrationError, Rmse, Mae, "mse"];
    private static readonly string[] Prefixes = ["train_", "val_", "test_"];

    /// <summary>The metric names <see cref="Evaluate"/> returns for <paramref name="task"/>, in a stable order.</summary>
    public static IReadOnlyList<string> Names(TaskKind task) => task switch
    {
        TaskKind.Binary => BinaryNames,
        TaskKind.Multiclass => MulticlassNames,
        TaskKind.Regression => RegressionNames,
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "Unknown task kind."),
    };

    /// <summary>
    /// Every metric of the task's set. <paramref name="predictions"/> are what the network outputs after its final
    /// activation: binary, P(y = 1) per row; multiclass, rows × <paramref name="classCount"/> probabilities;
    /// regression, rows × outputs values. <paramref name="targets"/> are as stored in a <see cref="Data.Dataset"/>:
    /// 0/1, class indices as floats, or the real-valued targets. <paramref name="classCount"/> is read for
    /// multiclass only. The dictionary enumerates in the order of <see cref="Names"/>.
    /// </summary>
    public static IReadOnlyDictionary<string, double> Evaluate(TaskKind task, ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int classCount)
    {
        switch (task)
        {
            case TaskKind.Binary:
                return new Dictionary<string, double>
                {
                    [Accuracy] = BinaryMetrics.Accuracy(predictions, targets),
                    [RocAuc] = BinaryMetrics.RocAuc(predictions, targets),
                    [PrAuc] = BinaryMetrics.PrAuc(predictions, targets),
                    [LogLoss] = BinaryMetrics.LogLoss(predictions, targets),
                    [Brier] = BinaryMetrics.Brier(predictions, targets),
                    [CalibrationError] = BinaryMetrics.ExpectedCalibrationError(predictions, targets),
                };
            case TaskKind.Multiclass:
                var actual = ClassIndices(targets, classCount);
                var predicted = MulticlassMetrics.ArgMax(predictions, classCount);
                return new Dictionary<string, double>
                {
                    [Accuracy] = MulticlassMetrics.Accuracy(predicted, actual),
                    [MacroF1] = MulticlassMetrics.MacroF1(predicted, actual, classCount),
                    [LogLoss] = MulticlassMetrics.LogLoss(predictions, actual, classCount),
                };
            case TaskKind.Regression:
                return new Dictionary<string, double>
                {
                    [Rmse] = RegressionMetrics.Rmse(predictions, targets),
                    [Mae] = RegressionMetrics.Mae(predictions, targets),
                    [R2] = RegressionMetrics.R2(predictions, targets),
                };
            default:
                throw new ArgumentOutOfRangeException(nameof(task), task, "Unknown task kind.");
        }
    }

    /// <summary>
    /// Whether a larger value of the metric is better, for early stopping, pruning and picking the best trial.
    /// Accepts a "train_", "val_" or "test_" prefix. Names containing "loss" or "error" (e.g. a command trainer's
    /// "val_loss") are lower-is-better. Any other unknown name is an error: guessing a direction would silently
    /// optimise the wrong way.
    /// </summary>
    public static bool IsHigherBetter(string metricName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metricName);
        var name = metricName.ToLowerInvariant();
        foreach (var prefix in Prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                name = name[prefix.Length..];
                break;
            }
        }
        if (HigherIsBetter.Contains(name)) return true;
        if (LowerIsBetter.Contains(name) || name.Contains("loss", StringComparison.Ordinal) || name.Contains("error", StringComparison.Ordinal))
            return false;
        throw new ArgumentException(
            $"Unknown metric '{metricName}': cannot tell whether higher is better. Known: {string.Join(", ", HigherIsBetter.Concat(LowerIsBetter))}, or any name containing 'loss' or 'error'.",
            nameof(metricName));
    }

    private static int[] ClassIndices(ReadOnlySpan<float> targets, int classCount)
    {
        MetricInputs.RequireClassCount(classCount, nameof(classCount));
        var indices = new int[targets.Length];
        for (var i = 0; i < targets.Length; i++)
        {
            var t = targets[i];
            if (!(t >= 0 && t < classCount && t == MathF.Floor(t)))
                throw new ArgumentException($"Target at row {i} is {t}; expected a class index 0..{classCount - 1}.", nameof(targets));
            indices[i] = (int)t;
        }
        return indices;
    }
}
