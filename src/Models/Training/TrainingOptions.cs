using EnsembleFarm.Models.Nn;

namespace EnsembleFarm.Models.Training;

public enum LossKind
{
    /// <summary>The task's natural loss: binary cross-entropy, softmax cross-entropy or MSE.</summary>
    Auto,
    BinaryCrossEntropy,
    SoftmaxCrossEntropy,
    Mse,
    Huber,
    /// <summary>Focal loss F = -α_t (1 - p_t)^γ log p_t (binary) or its softmax form (multi-class).</summary>
    Focal,
}

/// <param name="ClassWeights">Per-class weight multiplying each row's loss (index = class), for imbalanced data.</param>
public sealed record LossSpec(
    LossKind Kind = LossKind.Auto,
    float FocalGamma = 2f,
    float? FocalAlpha = null,
    float HuberDelta = 1f,
    IReadOnlyList<float>? ClassWeights = null)
{
    /// <summary>The loss a <paramref name="task"/> trains with: <see cref="Kind"/>, or for <see cref="LossKind.Auto"/> the task's natural loss.</summary>
    public LossKind KindFor(TaskKind task) => Kind != LossKind.Auto
        ? Kind
        : task switch
        {
            TaskKind.Binary => LossKind.BinaryCrossEntropy,
            TaskKind.Multiclass => LossKind.SoftmaxCrossEntropy,
            _ => LossKind.Mse,
        };
}

public enum OptimizerKind { Sgd, Adam, AdamW }

/// <param name="WeightDecay">L2 penalty added to the gradient (SGD, Adam) or decoupled decay (AdamW).</param>
public sealed record OptimizerSpec(
    OptimizerKind Kind = OptimizerKind.Adam,
    float LearningRate = 1e-3f,
    float Momentum = 0f,
    bool Nesterov = false,
    float Beta1 = 0.9f,
    float Beta2 = 0.999f,
    float Epsilon = 1e-8f,
    float WeightDecay = 0f);

public enum ScheduleKind { Constant, Step, Cosine }

/// <summary>Learning rate per epoch: an optional linear warm-up, then the schedule.</summary>
/// <param name="StepEpochs">Step schedule: multiply by <paramref name="StepGamma"/> every this many epochs.</param>
/// <param name="MinLearningRate">Cosine schedule: the floor reached at the last epoch.</param>
public sealed record ScheduleSpec(
    ScheduleKind Kind = ScheduleKind.Constant,
    int StepEpochs = 30,
    float StepGamma = 0.1f,
    float MinLearningRate = 0f,
    int WarmupEpochs = 0);

/// <param name="Metric">A key of the epoch metrics, e.g. "val_loss" or "val_auc".</param>
/// <param name="Maximize">Whether larger is better; null infers it from the metric's name (losses and errors are minimised).</param>
public sealed record EarlyStoppingSpec(
    string Metric = "val_loss",
    int Patience = 10,
    double MinDelta = 0,
    bool? Maximize = null,
    bool RestoreBest = true);

public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 100;
    public int BatchSize { get; init; } = 64;
    public OptimizerSpec Optimizer { get; init; } = new();
    public ScheduleSpec Schedule { get; init; } = new();
    public LossSpec Loss { get; init; } = new();

    /// <summary>Clip the global L2 norm of the gradient to this value; null for no clipping.</summary>
    public float? GradientClipNorm { get; init; }

    public EarlyStoppingSpec? EarlyStopping { get; init; }

    /// <summary>FGSM adversarial regularisation: also train on x + ε·sign(∇x J); null for none.</summary>
    public float? FgsmEpsilon { get; init; }

    /// <summary>Threads used by one training; results are bit-identical for a given thread count.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Seeds weight initialisation, batch shuffling and dropout.</summary>
    public ulong Seed { get; init; }
}

/// <summary>The metrics of one finished epoch (1-based): train_loss, and val_* when there is validation data.</summary>
public sealed record EpochReport(int Epoch, IReadOnlyDictionary<string, double> Metrics, double LearningRate);

public enum EpochDecision { Continue, Stop }

public sealed record TrainingResult(
    int EpochsRun,
    int BestEpoch,
    IReadOnlyList<EpochReport> History,
    string StopReason);
