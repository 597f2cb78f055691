using Xunit;
using EnsembleFarm.Models.Metrics;

namespace EnsembleFarm.Models.Tests.Metrics;

public class TaskMetricsTests
{
    [Fact]
    public void Binary_set_has_the_standard_names_and_values()
    {
        float[] p = [0.1f, 0.4f, 0.35f, 0.8f];
        float[] y = [0, 0, 1, 1];
        var metrics = TaskMetrics.Evaluate(TaskKind.Binary, p, y, 2);
        Assert.Equal(["accuracy", "auc", "pr_auc", "log_loss", "brier", "ece"], metrics.Keys);
        Assert.Equal(TaskMetrics.Names(TaskKind.Binary), metrics.Keys);
        Assert.Equal(BinaryMetrics.RocAuc(p, y), metrics["auc"]);
        Assert.Equal(BinaryMetrics.LogLoss(p, y), metrics["log_loss"]);
        Assert.Equal(BinaryMetrics.ExpectedCalibrationError(p, y), metrics["ece"]);
    }

    [Fact]
    public void Multiclass_set_takes_probability_rows_and_float_class_targets()
    {
        float[] p = [0.7f, 0.2f, 0.1f, 0.1f, 0.1f, 0.8f, 0.2f, 0.5f, 0.3f];
        float[] y = [0, 1, 1];
        var metrics = TaskMetrics.Evaluate(TaskKind.Multiclass, p, y, 3);
        Assert.Equal(["accuracy", "macro_f1", "log_loss"], metrics.Keys);
        Assert.Equal(2.0 / 3, metrics["accuracy"], 1e-12);
        Assert.Equal(MulticlassMetrics.LogLoss(p, [0, 1, 1], 3), metrics["log_loss"]);
    }

    [Fact]
    public void Multiclass_targets_must_be_class_indices()
    {
        var e = Assert.Throws<ArgumentException>(() => TaskMetrics.Evaluate(TaskKind.Multiclass, [0.5f, 0.5f, 0.5f, 0.5f], [0, 1.5f], 2));
        Assert.Contains("row 1 is 1.5", e.Message);
    }

    [Fact]
    public void Regression_set_has_rmse_mae_r2()
    {
        var metrics = TaskMetrics.Evaluate(TaskKind.Regression, [1, 2, 3], [1, 3, 5], 0);
        Assert.Equal(["rmse", "mae", "r2"], metrics.Keys);
        Assert.Equal(0.375, metrics["r2"], 1e-12);
    }

    [Theory]
    [InlineData("accuracy", true)]
    [InlineData("val_auc", true)]
    [InlineData("train_pr_auc", true)]
    [InlineData("val_macro_f1", true)]
    [InlineData("test_r2", true)]
    [InlineData("val_log_loss", false)]
    [InlineData("val_loss", false)]
    [InlineData("brier", false)]
    [InlineData("val_ece", false)]
    [InlineData("rmse", false)]
    [InlineData("train_mae", false)]
    [InlineData("val_mean_absolute_error", false)]
    public void IsHigherBetter_knows_every_standard_metric(string name, bool higherIsBetter)
    {
        Assert.Equal(higherIsBetter, TaskMetrics.IsHigherBetter(name));
    }

    [Fact]
    public void IsHigherBetter_refuses_to_guess_an_unknown_metric()
    {
        var e = Assert.Throws<ArgumentException>(() => TaskMetrics.IsHigherBetter("val_significance"));
        Assert.Contains("val_significance", e.Message);
    }
}
