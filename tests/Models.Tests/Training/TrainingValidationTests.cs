using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Nn;
using EnsembleFarm.Models.Training;
using Xunit;

namespace EnsembleFarm.Models.Tests.Training;

public class TrainingValidationTests
{
    private static readonly Dataset Ring = TrainingData.Ring(50, seed: 1);
    private static readonly NetworkSpec Small = new([4]);

    private static string Rejection(NetworkSpec spec, Dataset train, Dataset? validation, TrainingOptions options) =>
        Assert.Throws<ArgumentException>(() => Trainer.Fit(spec, train, validation, options, ct: TestContext.Current.CancellationToken)).Message;

    [Fact]
    public void Batch_size_epochs_and_threads_must_be_positive()
    {
        Assert.Contains("BatchSize is 0", Rejection(Small, Ring, null, new TrainingOptions { BatchSize = 0 }));
        Assert.Contains("Epochs is -1", Rejection(Small, Ring, null, new TrainingOptions { Epochs = -1 }));
        Assert.Contains("Threads is 0", Rejection(Small, Ring, null, new TrainingOptions { Threads = 0 }));
        Assert.Contains("FgsmEpsilon", Rejection(Small, Ring, null, new TrainingOptions { FgsmEpsilon = -0.1f }));
    }

    [Fact]
    public void A_network_with_convolutions_is_left_to_a_command_trainer()
    {
        var cnn = Small with { Conv = [new Conv1dStage(Filters: 2, Kernel: 3)] };
        Assert.Contains("trains through a command trainer", Rejection(cnn, Ring, null, new TrainingOptions()));
    }

    [Fact]
    public void Validation_data_must_match_the_training_data()
    {
        var blobs = TrainingData.Blobs(30, seed: 2);
        Assert.Contains("2 feature columns but the training data 4", Rejection(Small, Ring, TwoColumnRing(), new TrainingOptions()));
        Assert.Contains("Multiclass task", Rejection(Small, Ring, blobs, new TrainingOptions()));
    }

    [Fact]
    public void Class_weights_must_have_one_weight_per_class()
    {
        var options = new TrainingOptions { Loss = new LossSpec(ClassWeights: [1f, 2f, 3f]) };
        Assert.Contains("ClassWeights has 3 weights but the task has 2 classes", Rejection(Small, Ring, null, options));
    }

    [Fact]
    public void Targets_must_be_class_indices_for_classification()
    {
        var bad = new Dataset(["x"], [0f, 1f, 2f], ["y"], [0f, 1f, 0.5f], TaskKind.Binary, 2);
        Assert.Contains("Target 'y' of row 2 is 0.5", Rejection(Small, bad, null, new TrainingOptions()));
    }

    [Fact]
    public void Features_must_be_finite()
    {
        var bad = new Dataset(["x", "z"], [0f, 1f, float.NaN, 2f], ["y"], [0f, 1f], TaskKind.Binary, 2);
        Assert.Contains("Feature 'x' (column 0) of row 1 is NaN", Rejection(Small, bad, null, new TrainingOptions()));
    }

    [Fact]
    public void Early_stopping_metric_must_be_an_epoch_metric()
    {
        var options = new TrainingOptions { EarlyStopping = new EarlyStoppingSpec("val_auc") };
        Assert.Contains("validation metrics need validation data", Rejection(Small, Ring, null, options));
        Assert.Contains("'val_rmse' is not an epoch metric", Rejection(Small, Ring, Ring, options with { EarlyStopping = new EarlyStoppingSpec("val_rmse") }));
    }

    [Fact]
    public void Network_spec_is_checked()
    {
        Assert.Contains("Hidden[1] is 0", Rejection(new NetworkSpec([4, 0]), Ring, null, new TrainingOptions()));
        Assert.Contains("Dropout is 1", Rejection(new NetworkSpec([4], Dropout: 1f), Ring, null, new TrainingOptions()));
        Assert.Contains("BatchSize of at least 2", Rejection(new NetworkSpec([4], BatchNorm: true), Ring, null, new TrainingOptions { BatchSize = 1 }));
    }

    private static Dataset TwoColumnRing() =>
        new(["a", "b"], [.. Ring.Features.Take(100)], ["ring"], [.. Ring.Targets], TaskKind.Binary, 2);
}
