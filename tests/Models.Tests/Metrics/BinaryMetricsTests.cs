using Xunit;
using EnsembleFarm.Models.Metrics;

namespace EnsembleFarm.Models.Tests.Metrics;

public class BinaryMetricsTests
{
    private const double Tolerance = 1e-6;

    [Fact]
    public void Accuracy_counts_probability_above_threshold_as_positive()
    {
        float[] p = [0.9f, 0.5f, 0.2f, 0.7f];
        float[] y = [1, 1, 0, 0];
        Assert.Equal(0.5, BinaryMetrics.Accuracy(p, y), Tolerance);   // 0.5 is not above 0.5
        Assert.Equal(0.75, BinaryMetrics.Accuracy(p, y, threshold: 0.4f), Tolerance);
    }

    [Fact]
    public void RocAuc_matches_the_scikit_learn_example()
    {
        // sklearn's roc_auc_score documentation example: 0.75.
        Assert.Equal(0.75, BinaryMetrics.RocAuc([0.1f, 0.4f, 0.35f, 0.8f], [0, 0, 1, 1]), Tolerance);
    }

    [Fact]
    public void RocAuc_counts_tied_pairs_as_one_half()
    {
        // Pairs (positive, negative): (0.5, 0.2)=1, (0.5, 0.5)=½, (0.9, 0.2)=1, (0.9, 0.5)=1 → 3.5 / 4.
        Assert.Equal(0.875, BinaryMetrics.RocAuc([0.2f, 0.5f, 0.5f, 0.9f], [0, 1, 0, 1]), Tolerance);
        Assert.Equal(0.5, BinaryMetrics.RocAuc([0.5f, 0.5f, 0.5f, 0.5f], [0, 1, 0, 1]), Tolerance);
    }

    [Fact]
    public void RocAuc_agrees_with_counting_every_pair()
    {
        var rng = new Rng(7);
        var scores = new float[500];
        var labels = new float[500];
        for (var i = 0; i < scores.Length; i++)
        {
            labels[i] = rng.NextDouble() < 0.3 ? 1 : 0;
            // Coarse scores force many ties; the positive shift makes the AUC informative.
            scores[i] = MathF.Round((rng.NextSingle() + 0.3f * labels[i]) * 20) / 20;
        }
        double wins = 0;
        long pairs = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            if (labels[i] != 1) continue;
            for (var j = 0; j < scores.Length; j++)
            {
                if (labels[j] != 0) continue;
                pairs++;
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
            }
        }
        Assert.Equal(wins / pairs, BinaryMetrics.RocAuc(scores, labels), 1e-12);
    }

    [Fact]
    public void RocAuc_and_PrAuc_are_NaN_when_undefined()
    {
        Assert.True(double.IsNaN(BinaryMetrics.RocAuc([0.1f, 0.9f], [1, 1])));
        Assert.True(double.IsNaN(BinaryMetrics.RocAuc([0.1f, 0.9f], [0, 0])));
        Assert.True(double.IsNaN(BinaryMetrics.PrAuc([0.1f, 0.9f], [0, 0])));
        Assert.Equal(1.0, BinaryMetrics.PrAuc([0.1f, 0.9f], [1, 1]), Tolerance);
    }

    [Fact]
    public void PrAuc_is_average_precision_as_in_scikit_learn()
    {
        // Thresholds high to low: 0.8 (P=1, R=½), 0.4 (P=½, R=½), 0.35 (P=⅔, R=1) → ½·1 + ½·⅔.
        Assert.Equal(0.5 + 0.5 * 2.0 / 3.0, BinaryMetrics.PrAuc([0.1f, 0.4f, 0.35f, 0.8f], [0, 0, 1, 1]), Tolerance);
    }

    [Fact]
    public void PrAuc_enters_tied_scores_together()
    {
        // 0.9 (P=1, R=½), then the tie at 0.5 enters at once (P=⅔, R=1).
        Assert.Equal(0.5 + 0.5 * 2.0 / 3.0, BinaryMetrics.PrAuc([0.2f, 0.5f, 0.5f, 0.9f], [0, 1, 0, 1]), Tolerance);
        Assert.Equal(0.5, BinaryMetrics.PrAuc([0.5f, 0.5f, 0.5f, 0.5f], [0, 1, 0, 1]), Tolerance);
    }

    [Fact]
    public void LogLoss_is_mean_cross_entropy_with_clipping()
    {
        Assert.Equal((-Math.Log(0.9) - Math.Log(0.8)) / 2, BinaryMetrics.LogLoss([0.9f, 0.2f], [1, 0]), 1e-6);
        // A certain miss costs -ln(1e-7) ≈ 16.1, not infinity.
        var certainMiss = BinaryMetrics.LogLoss([0f, 1f], [1, 0]);
        Assert.Equal(-Math.Log(1e-7), certainMiss, 1e-6);
    }

    [Fact]
    public void Brier_is_mean_squared_probability_error()
    {
        Assert.Equal((0.01 + 0.04) / 2, BinaryMetrics.Brier([0.9f, 0.2f], [1, 0]), Tolerance);
    }

    [Fact]
    public void ExpectedCalibrationError_weights_bins_by_their_counts()
    {
        // Ten bins, one row in each of bins 0, 1, 8, 9: gaps 0.05, 0.85, 0.15, 0.05, each weighted ¼.
        Assert.Equal(0.275, BinaryMetrics.ExpectedCalibrationError([0.05f, 0.15f, 0.85f, 0.95f], [0, 1, 1, 1]), Tolerance);
        // Two bins: [0.2, 0.4] has mean p 0.3 vs ½ positive; [0.6, 1.0] has mean 0.8 vs all positive; p = 1 lands in the last bin.
        Assert.Equal(0.2, BinaryMetrics.ExpectedCalibrationError([0.2f, 0.4f, 0.6f, 1.0f], [0, 1, 1, 1], bins: 2), Tolerance);
    }

    [Fact]
    public void ExpectedCalibrationError_is_zero_for_a_calibrated_model()
    {
        Assert.Equal(0, BinaryMetrics.ExpectedCalibrationError([0.5f, 0.5f, 0.5f, 0.5f], [0, 1, 0, 1]), Tolerance);
    }

    [Fact]
    public void A_NaN_prediction_makes_every_metric_NaN()
    {
        float[] p = [0.2f, float.NaN, 0.7f];
        float[] y = [0, 1, 1];
        Assert.True(double.IsNaN(BinaryMetrics.Accuracy(p, y)));
        Assert.True(double.IsNaN(BinaryMetrics.RocAuc(p, y)));
        Assert.True(double.IsNaN(BinaryMetrics.PrAuc(p, y)));
        Assert.True(double.IsNaN(BinaryMetrics.LogLoss(p, y)));
        Assert.True(double.IsNaN(BinaryMetrics.Brier(p, y)));
        Assert.True(double.IsNaN(BinaryMetrics.ExpectedCalibrationError(p, y)));
    }

    [Fact]
    public void Bad_inputs_are_rejected_with_a_message_that_says_why()
    {
        var mismatch = Assert.Throws<ArgumentException>(() => BinaryMetrics.Brier([0.1f, 0.2f], [1]));
        Assert.Contains("2 values", mismatch.Message);
        Assert.Contains("has 1", mismatch.Message);

        var empty = Assert.Throws<ArgumentException>(() => BinaryMetrics.RocAuc([], []));
        Assert.Contains("at least one row", empty.Message);

        var notBinary = Assert.Throws<ArgumentException>(() => BinaryMetrics.LogLoss([0.1f, 0.2f], [0, 2]));
        Assert.Contains("index 1 is 2", notBinary.Message);

        var outOfRange = Assert.Throws<ArgumentException>(() => BinaryMetrics.ExpectedCalibrationError([0.1f, 1.5f], [0, 1]));
        Assert.Contains("index 1 is 1.5", outOfRange.Message);
    }
}
