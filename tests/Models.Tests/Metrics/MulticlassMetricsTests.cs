using Xunit;
using EnsembleFarm.Models.Metrics;

namespace EnsembleFarm.Models.Tests.Metrics;

public class MulticlassMetricsTests
{
    private static readonly int[] Predicted = [0, 2, 1, 2, 0];
    private static readonly int[] Actual = [0, 1, 1, 2, 2];

    [Fact]
    public void ArgMax_picks_the_largest_and_the_lowest_index_on_ties()
    {
        Assert.Equal([2, 0, 1], MulticlassMetrics.ArgMax([0.3f, 0.3f, 0.4f, 0.5f, 0.5f, 0f, 0.1f, 0.8f, 0.1f], 3));
    }

    [Fact]
    public void Accuracy_is_the_fraction_of_exact_matches()
    {
        Assert.Equal(0.6, MulticlassMetrics.Accuracy(Predicted, Actual), 1e-12);
    }

    [Fact]
    public void ConfusionMatrix_is_indexed_actual_then_predicted()
    {
        var m = MulticlassMetrics.ConfusionMatrix(Predicted, Actual, 3);
        int[,] expected = { { 1, 0, 0 }, { 0, 1, 1 }, { 1, 0, 1 } };
        Assert.Equal(expected, m);
    }

    [Fact]
    public void MacroF1_averages_per_class_F1()
    {
        // F1 per class: 2·1/(1+2), 2·1/(2+1), 2·1/(2+2).
        var expected = (2.0 / 3 + 2.0 / 3 + 0.5) / 3;
        Assert.Equal(expected, MulticlassMetrics.MacroF1(Predicted, Actual, 3), 1e-12);
        // A fourth class that never occurs does not drag the mean down.
        Assert.Equal(expected, MulticlassMetrics.MacroF1(Predicted, Actual, 4), 1e-12);
    }

    [Fact]
    public void MacroF1_counts_a_class_that_is_predicted_but_never_true()
    {
        // Class 1 is predicted once but never actual: F1 = 0 for it; class 0: 2·1/(2+1).
        Assert.Equal((2.0 / 3 + 0) / 2, MulticlassMetrics.MacroF1([0, 1], [0, 0], 2), 1e-12);
    }

    [Fact]
    public void LogLoss_is_mean_negative_log_of_the_true_class_probability()
    {
        float[] p = [0.7f, 0.2f, 0.1f, 0.1f, 0.1f, 0.8f];
        Assert.Equal((-Math.Log(0.7) - Math.Log(0.1)) / 2, MulticlassMetrics.LogLoss(p, [0, 1], 3), 1e-6);
        Assert.Equal(-Math.Log(1e-7), MulticlassMetrics.LogLoss([1f, 0f], [1], 2), 1e-6);
    }

    [Fact]
    public void Bad_inputs_are_rejected_with_a_message_that_says_why()
    {
        var ragged = Assert.Throws<ArgumentException>(() => MulticlassMetrics.ArgMax([0.1f, 0.2f, 0.7f, 0.5f], 3));
        Assert.Contains("4 probabilities", ragged.Message);

        var outOfRange = Assert.Throws<ArgumentException>(() => MulticlassMetrics.ConfusionMatrix([0, 1], [0, 3], 3));
        Assert.Contains("position 1 is 3", outOfRange.Message);

        Assert.Throws<ArgumentOutOfRangeException>(() => MulticlassMetrics.MacroF1([0], [0], 1));

        var rows = Assert.Throws<ArgumentException>(() => MulticlassMetrics.LogLoss([0.5f, 0.5f], [0, 1], 2));
        Assert.Contains("has 1 values but actual has 2", rows.Message);
    }
}
