using EnsembleFarm.Domain.Search;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Nn;
using EnsembleFarm.Models.Training;

namespace EnsembleFarm.Domain.Specs;

/// <summary>A closed set of names a spec field accepts, each standing for one value, in documentation order.</summary>
internal sealed class Vocabulary<T> where T : struct, Enum
{
    private readonly (string Name, T Value)[] _entries;

    public Vocabulary(params (string Name, T Value)[] entries) => _entries = entries;

    public IEnumerable<string> Names => _entries.Select(e => e.Name);

    public bool TryLookup(string name, out T value)
    {
        foreach (var entry in _entries)
        {
            if (entry.Name == name)
            {
                value = entry.Value;
                return true;
            }
        }
        value = default;
        return false;
    }

    public string Name(T value) => _entries.First(e => EqualityComparer<T>.Default.Equals(e.Value, value)).Name;

    /// <summary>The value a name stands for; the name must be one of <see cref="Names"/>.</summary>
    public T Lookup(string name) =>
        TryLookup(name, out var value) ? value : throw new ArgumentException($"'{name}' is not one of: {string.Join(", ", Names)}", nameof(name));
}

/// <summary>
/// The names the YAML uses for the enumerations of the spec. They are part of the spec format
/// (docs/spec.md), so they are spelled out here rather than derived from the C# member names.
/// </summary>
internal static class SpecVocabulary
{
    public static readonly Vocabulary<CampaignKind> Kinds = new(
        ("ensemble", CampaignKind.Ensemble),
        ("search", CampaignKind.Search),
        ("nas", CampaignKind.Nas));

    public static readonly Vocabulary<TaskKind> Tasks = new(
        ("binary", TaskKind.Binary),
        ("multiclass", TaskKind.Multiclass),
        ("regression", TaskKind.Regression));

    public static readonly Vocabulary<Activation> Activations = new(
        ("relu", Activation.Relu),
        ("leaky_relu", Activation.LeakyRelu),
        ("tanh", Activation.Tanh),
        ("sigmoid", Activation.Sigmoid),
        ("gelu", Activation.Gelu));

    public static readonly Vocabulary<Initialization> Initializations = new(
        ("pytorch", Initialization.PyTorch),
        ("he_uniform", Initialization.HeUniform),
        ("he_normal", Initialization.HeNormal),
        ("xavier_uniform", Initialization.XavierUniform),
        ("xavier_normal", Initialization.XavierNormal),
        ("orthogonal", Initialization.Orthogonal),
        ("he_xavier_uniform", Initialization.HeXavierUniform));

    public static readonly Vocabulary<OptimizerKind> Optimizers = new(
        ("sgd", OptimizerKind.Sgd),
        ("adam", OptimizerKind.Adam),
        ("adamw", OptimizerKind.AdamW));

    public static readonly Vocabulary<ScheduleKind> Schedules = new(
        ("constant", ScheduleKind.Constant),
        ("step", ScheduleKind.Step),
        ("cosine", ScheduleKind.Cosine));

    public static readonly Vocabulary<LossKind> Losses = new(
        ("auto", LossKind.Auto),
        ("binary_cross_entropy", LossKind.BinaryCrossEntropy),
        ("softmax_cross_entropy", LossKind.SoftmaxCrossEntropy),
        ("mse", LossKind.Mse),
        ("huber", LossKind.Huber),
        ("focal", LossKind.Focal));

    public static readonly Vocabulary<ModelArchitecture> Architectures = new(
        ("dense", ModelArchitecture.Dense),
        ("cnn1d", ModelArchitecture.Cnn1d));

    public static readonly Vocabulary<Conv1dPadding> Paddings = new(
        ("same", Conv1dPadding.Same),
        ("valid", Conv1dPadding.Valid));

    public static readonly Vocabulary<EarlyStoppingMode> EarlyStoppingModes = new(
        ("auto", EarlyStoppingMode.Auto),
        ("min", EarlyStoppingMode.Min),
        ("max", EarlyStoppingMode.Max));

    /// <summary>The samplers of docs/search.md, by the names the library's options use.</summary>
    public static readonly Vocabulary<SamplerKind> Samplers = new(
        ("tpe", SamplerKind.Tpe),
        ("random", SamplerKind.Random),
        ("grid", SamplerKind.Grid),
        ("sobol", SamplerKind.Sobol),
        ("gp", SamplerKind.Gp),
        ("cmaes", SamplerKind.CmaEs),
        ("regularized_evolution", SamplerKind.RegularizedEvolution),
        ("nsga2", SamplerKind.NsgaII));

    public static readonly Vocabulary<PrunerKind> Pruners = new(
        ("median", PrunerKind.Median),
        ("percentile", PrunerKind.Percentile),
        ("successive_halving", PrunerKind.SuccessiveHalving),
        ("hyperband", PrunerKind.Hyperband));

    public static readonly Vocabulary<Direction> Directions = new(
        ("minimize", Direction.Minimize),
        ("maximize", Direction.Maximize));

    public static readonly Vocabulary<TpeBandwidth> TpeBandwidths = new(
        ("gaps", TpeBandwidth.Gaps),
        ("scott", TpeBandwidth.Scott));

    public static readonly Vocabulary<ConstantLiar> ConstantLiars = new(
        ("worst", ConstantLiar.Worst),
        ("mean", ConstantLiar.Mean),
        ("none", ConstantLiar.None));

    public static readonly Vocabulary<CmaRestartStrategy> RestartStrategies = new(
        ("ipop", CmaRestartStrategy.Ipop),
        ("none", CmaRestartStrategy.None));

    public static string Name(CampaignKind kind) => Kinds.Name(kind);

    public static string Name(TaskKind task) => Tasks.Name(task);
}

/// <summary>Whether early stopping minimises or maximises its metric; auto infers it from the metric's name.</summary>
internal enum EarlyStoppingMode { Auto, Min, Max }

/// <summary>The spec's <c>model.architecture</c>: a dense network, or convolutions (<c>model.conv</c>) before the dense layers.</summary>
internal enum ModelArchitecture { Dense, Cnn1d }
