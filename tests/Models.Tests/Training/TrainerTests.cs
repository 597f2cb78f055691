using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Metrics;
using EnsembleFarm.Models.Nn;
using EnsembleFarm.Models.Training;
using Xunit;

namespace EnsembleFarm.Models.Tests.Training;

public class TrainerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Lectures_network_fits_a_unit_square_wave_to_rmse_below_0_25_in_150_epochs()
    {
        // Dense(32, relu) → Dense(32, relu) → Dense(1), MSE, 150 epochs, as in the lectures.
        var data = TrainingData.SquareWaveGrid(512);
        var options = new TrainingOptions
        {
            Epochs = 150, BatchSize = 32, Seed = 1,
            Optimizer = new OptimizerSpec(OptimizerKind.Adam, LearningRate: 1e-2f),
        };
        var run = Trainer.Fit(new NetworkSpec([32, 32]), data, null, options, ct: Ct);

        var rmse = RegressionMetrics.Rmse(run.Model.Predict(data), data.Targets);
        Assert.True(rmse < 0.25, $"square wave (amplitude 1, two periods) RMSE {rmse:F4} should be < 0.25 after 150 epochs; a constant scores 1");
        Assert.Equal(150, run.Result.EpochsRun);
        Assert.True(run.Result.History[^1].Metrics["train_loss"] < run.Result.History[0].Metrics["train_loss"] / 4);
    }

    [Fact]
    public void Non_linear_binary_problem_is_learned_to_validation_auc_above_0_9()
    {
        var train = TrainingData.Ring(1500, seed: 1);
        var validation = TrainingData.Ring(500, seed: 2);
        var options = new TrainingOptions { Epochs = 30, BatchSize = 32, Seed = 3, Optimizer = new OptimizerSpec(LearningRate: 1e-2f) };
        var run = Trainer.Fit(new NetworkSpec([32, 32]), train, validation, options, ct: Ct);

        var auc = BinaryMetrics.RocAuc(run.Model.Predict(validation), validation.Targets);
        Assert.True(auc > 0.9, $"ring problem validation ROC AUC {auc:F4} should be > 0.9 (5% label noise caps it near 0.95)");
        Assert.Equal(auc, run.Result.History[^1].Metrics["val_auc"], 12);
    }

    [Fact]
    public void Multiclass_blobs_are_separated_with_a_batch_normalised_residual_network()
    {
        var train = TrainingData.Blobs(600, seed: 4);
        var validation = TrainingData.Blobs(300, seed: 5);
        var spec = new NetworkSpec([16, 16], Activation.Tanh, Dropout: 0.1f, BatchNorm: true, Residual: true);
        var options = new TrainingOptions { Epochs = 20, BatchSize = 32, Seed = 6, Optimizer = new OptimizerSpec(OptimizerKind.AdamW, 1e-2f, WeightDecay: 1e-2f) };
        var run = Trainer.Fit(spec, train, validation, options, ct: Ct);

        var accuracy = run.Result.History[^1].Metrics["val_accuracy"];
        Assert.True(accuracy > 0.9, $"blob validation accuracy {accuracy:F3} should be > 0.9");
        var probabilities = run.Model.Predict(validation);
        Assert.Equal(validation.Rows * 3, probabilities.Length);
        for (var r = 0; r < validation.Rows; r++) Assert.Equal(1f, probabilities.AsSpan(r * 3, 3).ToArray().Sum(), 1e-5f);
    }

    [Fact]
    public void Epoch_reports_carry_train_and_validation_metrics_under_the_task_names()
    {
        var train = TrainingData.Ring(200, seed: 1);
        var validation = TrainingData.Ring(100, seed: 2);
        var reports = new List<EpochReport>();
        Trainer.Fit(new NetworkSpec([8]), train, validation, new TrainingOptions { Epochs = 2 }, r => { reports.Add(r); return EpochDecision.Continue; }, Ct);

        Assert.Equal([1, 2], reports.Select(r => r.Epoch));
        Assert.Equal(["train_loss", "val_loss", .. TaskMetrics.Names(TaskKind.Binary).Select(n => "val_" + n)], reports[0].Metrics.Keys);
        Assert.Equal(reports[1].Metrics["val_loss"], reports[1].Metrics["val_log_loss"], 5);
    }

    [Fact]
    public void Early_stopping_stops_after_patience_and_restores_the_best_epoch()
    {
        // A wide network at a high learning rate on few noisy rows overfits: val_loss turns upward.
        var train = TrainingData.Ring(60, seed: 7);
        var validation = TrainingData.Ring(200, seed: 8);
        var options = new TrainingOptions
        {
            Epochs = 200, BatchSize = 8, Seed = 9,
            Optimizer = new OptimizerSpec(LearningRate: 2e-2f),
            EarlyStopping = new EarlyStoppingSpec("val_loss", Patience: 5),
        };
        var callbacks = 0;
        var run = Trainer.Fit(new NetworkSpec([64, 64]), train, validation, options, _ => { callbacks++; return EpochDecision.Continue; }, Ct);
        var result = run.Result;
        Assert.Equal(result.EpochsRun, callbacks);

        Assert.True(result.EpochsRun < 200, "early stopping should end training before the epoch limit");
        Assert.Equal(result.BestEpoch + 5, result.EpochsRun);
        Assert.Contains("early stopping", result.StopReason);
        var best = result.History[result.BestEpoch - 1].Metrics["val_log_loss"];
        Assert.Equal(result.History.Min(r => r.Metrics["val_loss"]), result.History[result.BestEpoch - 1].Metrics["val_loss"]);
        Assert.NotEqual(best, result.History[^1].Metrics["val_log_loss"]);
        var restored = BinaryMetrics.LogLoss(run.Model.Predict(validation), validation.Targets);
        Assert.Equal(best, restored);
    }

    [Fact]
    public void Early_stopping_on_a_higher_is_better_metric_keeps_its_maximum()
    {
        var train = TrainingData.Ring(300, seed: 10);
        var validation = TrainingData.Ring(200, seed: 11);
        var options = new TrainingOptions { Epochs = 15, Seed = 12, EarlyStopping = new EarlyStoppingSpec("val_auc", Patience: 3) };
        var result = Trainer.Fit(new NetworkSpec([16]), train, validation, options, ct: Ct).Result;
        var best = result.History.Max(r => r.Metrics["val_auc"]);
        Assert.Equal(best, result.History[result.BestEpoch - 1].Metrics["val_auc"]);
        Assert.Equal(result.History.First(r => r.Metrics["val_auc"] == best).Epoch, result.BestEpoch);
    }

    [Fact]
    public void Epoch_callback_can_stop_training()
    {
        var data = TrainingData.Ring(100, seed: 1);
        var result = Trainer.Fit(new NetworkSpec([8]), data, null, new TrainingOptions { Epochs = 50 },
            r => r.Epoch == 3 ? EpochDecision.Stop : EpochDecision.Continue, Ct).Result;
        Assert.Equal(3, result.EpochsRun);
        Assert.Equal(3, result.History.Count);
        Assert.Contains("callback", result.StopReason);
    }

    [Fact]
    public void Cancellation_throws_operation_cancelled()
    {
        var data = TrainingData.Ring(100, seed: 1);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Fit(new NetworkSpec([8]), data, null, new TrainingOptions { Epochs = 50 },
            r => { if (r.Epoch == 2) cancellation.Cancel(); return EpochDecision.Continue; }, cancellation.Token));
    }

    [Fact]
    public void Fgsm_trains_on_inputs_moved_by_exactly_epsilon_in_the_gradient_sign_direction()
    {
        const float epsilon = 0.01f;
        var data = TrainingData.Ring(64, seed: 13);
        var standardizer = Standardizer.Fit(data);
        var standardized = new float[data.Features.Length];
        standardizer.Transform(data.Features, standardized, data.Rows);
        var standardizedRows = Enumerable.Range(0, data.Rows).Select(r => standardized.AsSpan(r * 4, 4).ToArray()).ToList();

        var batches = 0;
        var moved = 0;
        var elements = 0;
        var hooks = new TrainingHooks
        {
            OnAdversarialBatch = (clean, gradient, perturbed) =>
            {
                batches++;
                Assert.Equal(clean.Length, perturbed.Length);
                for (var i = 0; i < clean.Length; i++)
                {
                    var sign = MathF.Sign(gradient[i]);
                    Assert.Equal(clean[i] + epsilon * sign, perturbed[i]);
                    Assert.Equal(sign == 0 ? 0f : epsilon, MathF.Abs(perturbed[i] - clean[i]), 1e-6f);
                    if (sign != 0) moved++;
                    elements++;
                }
                for (var r = 0; r < clean.Length / 4; r++)
                {
                    var row = clean.Slice(r * 4, 4).ToArray();
                    Assert.Contains(standardizedRows, candidate => candidate.SequenceEqual(row));
                }
            },
        };
        var options = new TrainingOptions { Epochs = 2, BatchSize = 16, Seed = 14, FgsmEpsilon = epsilon };
        Trainer.Fit(new NetworkSpec([8]), data, null, options, null, hooks, Ct);

        Assert.Equal(2 * 4, batches);
        Assert.True(moved > 0.9 * elements, $"{moved} of {elements} inputs moved; the input gradient should rarely be exactly 0");
    }

    [Fact]
    public void Fgsm_changes_the_trained_weights()
    {
        var data = TrainingData.Ring(64, seed: 13);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 16, Seed = 14 };
        var plain = Trainer.Fit(new NetworkSpec([8]), data, null, options, ct: Ct).Model.Serialize().Weights;
        var adversarial = Trainer.Fit(new NetworkSpec([8]), data, null, options with { FgsmEpsilon = 0.1f }, ct: Ct).Model.Serialize().Weights;
        Assert.NotEqual(plain, adversarial);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Same_seed_data_and_threads_give_bit_identical_weights(int threads)
    {
        var data = TrainingData.Ring(300, seed: 15);
        var spec = new NetworkSpec([16, 16], Activation.Gelu, Dropout: 0.2f, BatchNorm: true, Residual: true);
        var options = new TrainingOptions
        {
            Epochs = 3, BatchSize = 32, Seed = 16, Threads = threads, FgsmEpsilon = 0.01f, GradientClipNorm = 1f,
            Optimizer = new OptimizerSpec(OptimizerKind.Sgd, 0.05f, Momentum: 0.9f, Nesterov: true),
        };
        var first = Trainer.Fit(spec, data, null, options, ct: Ct).Model.Serialize();
        var second = Trainer.Fit(spec, data, null, options, ct: Ct).Model.Serialize();
        var otherSeed = Trainer.Fit(spec, data, null, options with { Seed = 17 }, ct: Ct).Model.Serialize();

        Assert.Equal(first.Weights, second.Weights);
        Assert.Equal(first.Json, second.Json);
        Assert.NotEqual(first.Weights, otherSeed.Weights);
    }

    [Fact]
    public void Standardisation_is_fitted_on_the_training_part_only()
    {
        var train = TrainingData.Ring(100, seed: 1);
        var validation = TrainingData.Ring(100, seed: 2);
        var model = Trainer.Fit(new NetworkSpec([4]), train, validation, new TrainingOptions { Epochs = 1 }, ct: Ct).Model;
        Assert.Equal(Standardizer.Fit(train).Mean, model.Standardizer.Mean);
        Assert.Equal(Standardizer.Fit(train).Scale, model.Standardizer.Scale);
        Assert.NotEqual(Standardizer.Fit(validation).Mean, model.Standardizer.Mean);
    }

    [Fact]
    public void Regression_with_several_targets_huber_and_a_cosine_schedule_predicts_every_output()
    {
        var rng = new Rng(18);
        var x = Enumerable.Range(0, 400).Select(_ => 2f * rng.NextSingle() - 1f).ToArray();
        var y = x.SelectMany(v => new[] { 3f * v, v * v }).ToArray();
        var data = new Dataset(["x"], x, ["linear", "square"], y, TaskKind.Regression, 0);
        var options = new TrainingOptions
        {
            Epochs = 40, BatchSize = 32, Seed = 19, Loss = new LossSpec(LossKind.Huber),
            Optimizer = new OptimizerSpec(LearningRate: 1e-2f),
            Schedule = new ScheduleSpec(ScheduleKind.Cosine, WarmupEpochs: 2, MinLearningRate: 1e-4f),
        };
        var run = Trainer.Fit(new NetworkSpec([32, 32], Activation.LeakyRelu), data, data, options, ct: Ct);
        var predictions = run.Model.Predict(data);
        Assert.Equal(800, predictions.Length);
        Assert.True(run.Result.History[^1].Metrics["val_rmse"] < 0.15, $"two-output regression RMSE {run.Result.History[^1].Metrics["val_rmse"]:F4} should be < 0.15");
        Assert.Equal(1e-4, run.Result.History[^1].LearningRate, 1e-9);
    }
}
