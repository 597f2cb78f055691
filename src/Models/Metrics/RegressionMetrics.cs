namespace EnsembleFarm.Models.Metrics;

/// <summary>
/// Metrics of a regression model. Predicted and actual values are flattened (rows × outputs) and pooled:
/// with several outputs each metric is computed over all values together, so outputs on larger scales weigh more.
/// </summary>
public static class RegressionMetrics
{
    /// <summary>Root mean squared error.</summary>
    public static double Rmse(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
    {
        Check(predicted, actual);
        return Math.Sqrt(SumOfSquaredErrors(predicted, actual) / predicted.Length);
    }

    /// <summary>Mean absolute error.</summary>
    public static double Mae(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
    {
        Check(predicted, actual);
        double sum = 0;
        for (var i = 0; i < predicted.Length; i++) sum += Math.Abs((double)predicted[i] - actual[i]);
        return sum / predicted.Length;
    }

    /// <summary>
    /// Coefficient of determination, 1 − SS_res / SS_tot around the mean of <paramref name="actual"/>.
    /// Negative when the model is worse than predicting the mean. When the actual values are all equal
    /// (SS_tot = 0) it follows scikit-learn: 1 for a perfect prediction, else 0.
    /// </summary>
    public static double R2(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
    {
        Check(predicted, actual);
        double mean = 0;
        foreach (var y in actual) mean += y;
        mean /= actual.Length;
        double total = 0;
        foreach (var y in actual) total += (y - mean) * (y - mean);
        var residual = SumOfSquaredErrors(predicted, actual);
        if (double.IsNaN(residual)) return double.NaN;
        if (total == 0) return residual == 0 ? 1.0 : 0.0;
        return 1 - residual / total;
    }

    private static double SumOfSquaredErrors(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
    {
        double sum = 0;
        for (var i = 0; i < predicted.Length; i++)
        {
            var d = (double)predicted[i] - actual[i];
            sum += d * d;
        }
        return sum;
    }

    private static void Check(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual) =>
        MetricInputs.RequireSameNonEmptyLength(predicted.Length, actual.Length, nameof(predicted), nameof(actual));
}
