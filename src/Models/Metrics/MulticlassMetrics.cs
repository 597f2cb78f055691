namespace EnsembleFarm.Models.Metrics;

/// <summary>
/// Metrics of a K-class classifier. Probabilities are row-major, rows × <c>classes</c>; class labels are
/// indices 0..K−1 (anything outside is rejected).
/// </summary>
public static class MulticlassMetrics
{
    /// <summary>The predicted class of each row: the index of its largest probability, the lowest index on ties.</summary>
    public static int[] ArgMax(ReadOnlySpan<float> probabilities, int classes)
    {
        var rows = RowCount(probabilities.Length, classes);
        var predicted = new int[rows];
        for (var r = 0; r < rows; r++)
        {
            var row = probabilities.Slice(r * classes, classes);
            var best = 0;
            for (var c = 1; c < classes; c++)
            {
                if (row[c] > row[best]) best = c;
            }
            predicted[r] = best;
        }
        return predicted;
    }

    /// <summary>Fraction of rows whose predicted class equals the actual class.</summary>
    public static double Accuracy(ReadOnlySpan<int> predicted, ReadOnlySpan<int> actual)
    {
        MetricInputs.RequireSameNonEmptyLength(predicted.Length, actual.Length, nameof(predicted), nameof(actual));
        var correct = 0;
        for (var i = 0; i < predicted.Length; i++)
        {
            if (predicted[i] == actual[i]) correct++;
        }
        return (double)correct / predicted.Length;
    }

    /// <summary>
    /// Unweighted mean over classes of F1 = 2·TP / (2·TP + FP + FN). Like scikit-learn's
    /// <c>f1_score(average="macro")</c> without an explicit label list, the mean runs over the classes that occur
    /// in <paramref name="actual"/> or <paramref name="predicted"/>: a class absent from both says nothing about the model.
    /// </summary>
    public static double MacroF1(ReadOnlySpan<int> predicted, ReadOnlySpan<int> actual, int classes)
    {
        var confusion = ConfusionMatrix(predicted, actual, classes);
        double sum = 0;
        var present = 0;
        for (var c = 0; c < classes; c++)
        {
            int truePositives = confusion[c, c], actualCount = 0, predictedCount = 0;
            for (var k = 0; k < classes; k++)
            {
                actualCount += confusion[c, k];
                predictedCount += confusion[k, c];
            }
            if (actualCount == 0 && predictedCount == 0) continue;
            present++;
            // 2TP + FP + FN = predictedCount + actualCount.
            sum += 2.0 * truePositives / (actualCount + predictedCount);
        }
        return sum / present;
    }

    /// <summary>Counts indexed [actual, predicted], so row c holds where the rows of true class c went.</summary>
    public static int[,] ConfusionMatrix(ReadOnlySpan<int> predicted, ReadOnlySpan<int> actual, int classes)
    {
        MetricInputs.RequireClassCount(classes, nameof(classes));
        MetricInputs.RequireSameNonEmptyLength(predicted.Length, actual.Length, nameof(predicted), nameof(actual));
        MetricInputs.RequireClassIndices(predicted, classes, nameof(predicted));
        MetricInputs.RequireClassIndices(actual, classes, nameof(actual));
        var matrix = new int[classes, classes];
        for (var i = 0; i < predicted.Length; i++) matrix[actual[i], predicted[i]]++;
        return matrix;
    }

    /// <summary>
    /// Mean cross-entropy in nats: −mean log p(actual class), the probability clipped to at least 1e-7.
    /// Rows are not renormalised: pass softmax outputs.
    /// </summary>
    public static double LogLoss(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> actual, int classes)
    {
        var rows = RowCount(probabilities.Length, classes);
        MetricInputs.RequireSameNonEmptyLength(rows, actual.Length, nameof(probabilities) + " rows", nameof(actual));
        MetricInputs.RequireClassIndices(actual, classes, nameof(actual));
        double sum = 0;
        for (var r = 0; r < rows; r++)
        {
            var p = (double)probabilities[r * classes + actual[r]];
            sum -= Math.Log(Math.Max(p, BinaryMetrics.ProbabilityClip));
        }
        return sum / rows;
    }

    private static int RowCount(int length, int classes)
    {
        MetricInputs.RequireClassCount(classes, nameof(classes));
        if (length % classes != 0)
            throw new ArgumentException($"{length} probabilities are not a whole number of rows of {classes} classes.", "probabilities");
        return length / classes;
    }
}
