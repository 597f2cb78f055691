using System.Runtime.CompilerServices;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Metrics;
using EnsembleFarm.Models.Nn;

namespace EnsembleFarm.Models.Training;

/// <summary>Trains a dense network on a dataset (the built-in trainer).</summary>
public static class Trainer
{
    /// <summary>
    /// Trains <paramref name="network"/> on <paramref name="train"/>. Standardisation is fitted on
    /// <paramref name="train"/> only and kept in the model. <paramref name="onEpoch"/> is called after every
    /// epoch with its metrics (train_loss; val_loss and val_&lt;metric&gt; for the task's
    /// <see cref="TaskMetrics"/> when <paramref name="validation"/> is given); returning
    /// <see cref="EpochDecision.Stop"/> ends training. The same seed, data and thread count give bit-identical
    /// weights. Cancellation throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public static TrainingRun Fit(NetworkSpec network, Dataset train, Dataset? validation, TrainingOptions options,
        Func<EpochReport, EpochDecision>? onEpoch = null, CancellationToken ct = default) =>
        Fit(network, train, validation, options, onEpoch, hooks: null, ct);

    internal static TrainingRun Fit(NetworkSpec network, Dataset train, Dataset? validation, TrainingOptions options,
        Func<EpochReport, EpochDecision>? onEpoch, TrainingHooks? hooks, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        TrainingValidation.Check(network, train, validation, options);
        ct.ThrowIfCancellationRequested();
        return new TrainingSession(network, train, validation, options, hooks).Run(onEpoch, ct);
    }

    /// <summary>Outputs per row for a task: one logit (binary), K logits (multi-class), one per regression target.</summary>
    internal static int OutputWidth(Dataset data) => data.Task switch
    {
        TaskKind.Binary => 1,
        TaskKind.Multiclass => data.ClassCount,
        _ => data.TargetWidth,
    };

    /// <summary>The state of one training: the network, its optimiser and the batch buffers, allocated once.</summary>
    private sealed class TrainingSession
    {
        private const ulong ShuffleStream = 1;

        private readonly Dataset _train;
        private readonly Dataset? _validation;
        private readonly TrainingOptions _options;
        private readonly TrainingHooks? _hooks;
        private readonly Standardizer _standardizer;
        private readonly float[] _trainInputs;
        private readonly float[]? _validationInputs;
        private readonly float[]? _validationOutputs;
        private readonly Network _network;
        private readonly Loss _loss;
        private readonly Optimizer _optimizer;
        private readonly LearningRateSchedule _schedule;
        private readonly EarlyStopping? _earlyStopping;
        private readonly float[][]? _bestState;
        private readonly Rng _shuffle;
        private readonly int[] _order;
        private readonly int _batchSize;
        private readonly float[] _batchTargets;
        private readonly float[] _cleanInputs;
        private readonly PassOptions _pass;

        public TrainingSession(NetworkSpec spec, Dataset train, Dataset? validation, TrainingOptions options, TrainingHooks? hooks)
        {
            _train = train;
            _validation = validation;
            _options = options;
            _hooks = hooks;
            _standardizer = Standardizer.Fit(train);
            _trainInputs = Standardize(train);
            if (validation is not null)
            {
                _validationInputs = Standardize(validation);
                _validationOutputs = new float[validation.Rows * OutputWidth(validation)];
            }

            _network = new Network(spec, train.Columns, OutputWidth(train), options.Seed);
            _batchSize = Math.Min(options.BatchSize, train.Rows);
            _network.Reserve(_batchSize);
            _loss = Loss.Create(options.Loss, train.Task, train.ClassCount);
            _optimizer = Optimizer.Create(options.Optimizer, _network.Parameters);
            _schedule = new LearningRateSchedule(options.Schedule, options.Optimizer.LearningRate, options.Epochs);
            if (options.EarlyStopping is { } stopping)
            {
                _earlyStopping = new EarlyStopping(stopping);
                if (stopping.RestoreBest) _bestState = [.. _network.State.Select(t => new float[t.Data.Length])];
            }
            _shuffle = new Rng(Rng.Derive(options.Seed, ShuffleStream));
            _order = [.. Enumerable.Range(0, train.Rows)];
            _batchTargets = new float[_batchSize * train.TargetWidth];
            _cleanInputs = options.FgsmEpsilon is null ? [] : new float[_batchSize * train.Columns];
            _pass = new PassOptions(Training: true, options.Threads);
        }

        public TrainingRun Run(Func<EpochReport, EpochDecision>? onEpoch, CancellationToken ct)
        {
            var history = new List<EpochReport>();
            var stopReason = "completed all epochs";
            for (var epoch = 0; epoch < _options.Epochs; epoch++)
            {
                var learningRate = _schedule.At(epoch);
                var trainLoss = TrainEpoch(learningRate, ct);
                var report = new EpochReport(epoch + 1, EpochMetrics(trainLoss), learningRate);
                history.Add(report);

                if (_earlyStopping?.Observe(report) == true && _bestState is not null) CopyState(_network.State, _bestState);
                var decision = onEpoch?.Invoke(report) ?? EpochDecision.Continue;
                if (!double.IsFinite(trainLoss))
                {
                    stopReason = "diverged: the training loss is not finite";
                    break;
                }
                if (_earlyStopping?.ShouldStop == true)
                {
                    stopReason = $"early stopping: {_options.EarlyStopping!.Metric} did not improve for {_options.EarlyStopping.Patience} epochs";
                    break;
                }
                if (decision == EpochDecision.Stop)
                {
                    stopReason = "stopped by the epoch callback";
                    break;
                }
            }

            var bestEpoch = _earlyStopping is { BestEpoch: > 0 } ? _earlyStopping.BestEpoch : history.Count;
            if (_bestState is not null && _earlyStopping!.BestEpoch > 0) RestoreState(_bestState, _network.State);
            var model = new TrainedModel(_network, _train.Task, _train.ClassCount, _standardizer, _train.FeatureNames);
            return new TrainingRun(model, new TrainingResult(history.Count, bestEpoch, history, stopReason));
        }

        /// <summary>One pass over the shuffled training rows; returns the mean training loss per row.</summary>
        private double TrainEpoch(float learningRate, CancellationToken ct)
        {
            _shuffle.Shuffle(_order.AsSpan());
            var total = 0.0;
            var rowsSeen = 0;
            for (var start = 0; start < _order.Length; start += _batchSize)
            {
                ct.ThrowIfCancellationRequested();
                var rows = Math.Min(_batchSize, _order.Length - start);
                // Batch statistics of a single row are undefined (PyTorch refuses them); that row waits for the next epoch.
                if (rows == 1 && _network.Spec.BatchNorm) continue;
                GatherBatch(_order.AsSpan(start, rows));
                total += TrainBatch(rows, learningRate) * rows;
                rowsSeen += rows;
            }
            return total / rowsSeen;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void GatherBatch(ReadOnlySpan<int> rowIndices)
        {
            var width = _train.Columns;
            var targetWidth = _train.TargetWidth;
            var input = _network.Input(rowIndices.Length);
            for (var i = 0; i < rowIndices.Length; i++)
            {
                var row = rowIndices[i];
                _trainInputs.AsSpan(row * width, width).CopyTo(input.Slice(i * width, width));
                _train.Targets.AsSpan(row * targetWidth, targetWidth).CopyTo(_batchTargets.AsSpan(i * targetWidth, targetWidth));
            }
        }

        /// <summary>
        /// One optimiser step on the batch in the network's input. With FGSM the loss is the mean of the clean
        /// batch's and the perturbed batch's, x' = x + ε·sign(∇x J), both in standardised space.
        /// </summary>
        private double TrainBatch(int rows, float learningRate)
        {
            _network.ZeroGradients();
            var targets = _batchTargets.AsSpan(0, rows * _train.TargetWidth);
            var adversarial = _options.FgsmEpsilon is { } epsilon;
            var share = adversarial ? 0.5f : 1f;

            var loss = share * _loss.Evaluate(_network.Forward(rows, _pass), targets, rows, _network.OutputGradient(rows), share);
            var inputGradient = _network.Backward(rows, _pass, withInputGradient: adversarial);
            if (adversarial)
            {
                Perturb(inputGradient, _options.FgsmEpsilon!.Value, rows);
                loss += share * _loss.Evaluate(_network.Forward(rows, _pass), targets, rows, _network.OutputGradient(rows), share);
                _network.Backward(rows, _pass);
            }

            if (_options.GradientClipNorm is { } maxNorm) _optimizer.ClipGradientNorm(maxNorm);
            _optimizer.Step(learningRate);
            return loss;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Perturb(ReadOnlySpan<float> inputGradient, float epsilon, int rows)
        {
            var input = _network.Input(rows);
            var clean = _cleanInputs.AsSpan(0, input.Length);
            input.CopyTo(clean);
            for (var i = 0; i < input.Length; i++) input[i] = clean[i] + epsilon * MathF.Sign(inputGradient[i]);
            _hooks?.OnAdversarialBatch?.Invoke(clean, inputGradient, input);
        }

        private Dictionary<string, double> EpochMetrics(double trainLoss)
        {
            var metrics = new Dictionary<string, double> { ["train_loss"] = trainLoss };
            if (_validation is null) return metrics;

            var outputs = _validationOutputs!;
            _network.Infer(_validationInputs!, _validation.Rows, outputs, _options.Threads);
            metrics["val_loss"] = _loss.Evaluate(outputs, _validation.Targets, _validation.Rows, Span<float>.Empty);
            TrainedModel.ToPredictions(_validation.Task, outputs, _validation.Rows, _network.OutputWidth);
            foreach (var (name, value) in TaskMetrics.Evaluate(_validation.Task, outputs, _validation.Targets, _validation.ClassCount))
                metrics["val_" + name] = value;
            return metrics;
        }

        private float[] Standardize(Dataset data)
        {
            var standardized = new float[data.Features.Length];
            _standardizer.Transform(data.Features, standardized, data.Rows);
            return standardized;
        }

        private static void CopyState(IReadOnlyList<NamedTensor> state, float[][] snapshot)
        {
            for (var i = 0; i < state.Count; i++) state[i].Data.CopyTo(snapshot[i], 0);
        }

        private static void RestoreState(float[][] snapshot, IReadOnlyList<NamedTensor> state)
        {
            for (var i = 0; i < state.Count; i++) snapshot[i].CopyTo(state[i].Data, 0);
        }
    }
}
