using Xunit;
using EnsembleFarm.Models.Metrics;

namespace EnsembleFarm.Models.Tests.Metrics;

public class RegressionMetricsTests
{
    // Errors 0, 1, 2; actual mean 3, SS_tot = 8, SS_res = 5.
    private static readonly float[] Predicted = [1, 2, 3];
    private static readonly float[] Actual = [1, 3, 5];

    [Fact]
    public void Rmse_Mae_and_R2_match_hand_computed_values()
    {
        Assert.Equal(Math.Sqrt(5.0 / 3), RegressionMetrics.Rmse(Predicted, Actual), 1e-12);
        Assert.Equal(1.0, RegressionMetrics.Mae(Predicted, Actual), 1e-12);
        Assert.Equal(1 - 5.0 / 8, RegressionMetrics.R2(Predicted, Actual), 1e-12);
    }

    [Fact]
    public void R2_is_negative_for_a_model_worse_than_the_mean()
    {
        // Predicting 5, 3, 1: SS_res = 16 + 0 + 16.
        Assert.Equal(1 - 32.0 / 8, RegressionMetrics.R2([5, 3, 1], Actual), 1e-12);
    }

    [Fact]
    public void R2_of_constant_targets_follows_scikit_learn()
    {
        Assert.Equal(1.0, RegressionMetrics.R2([2, 2], [2, 2]));
        Assert.Equal(0.0, RegressionMetrics.R2([2, 3], [2, 2]));
    }

    [Fact]
    public void Mismatched_lengths_are_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => RegressionMetrics.Rmse([1, 2], [1, 2, 3]));
        Assert.Contains("predicted has 2 values but actual has 3", e.Message);
    }
}
