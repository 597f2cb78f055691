using System.Globalization;
using EnsembleFarm.Domain.Search;
using EnsembleFarm.Models.Nn;
using EnsembleFarm.Models.Training;

namespace EnsembleFarm.Domain.Specs;

/// <summary>
/// The spec fields a search may vary (docs/spec.md, "Searchable fields"), each with the range its own reader allows,
/// and the parameters of a nas architecture: <c>model.depth</c> and <c>model.width_1</c> … <c>model.width_N</c>, which
/// together set <c>model.hidden</c>. Applying a trial's parameters to the base spec happens here, so that what a
/// space may hold and what a trial may set are one list.
/// </summary>
internal static class SearchableFields
{
    public const string Depth = "model.depth";
    public const string Hidden = "model.hidden";
    private const string WidthPrefix = "model.width_";

    /// <summary>The most hidden layers a nas architecture may have: more is no longer a dense network anyone farms out.</summary>
    public const int MaxDepth = 64;

    /// <summary>The values of <c>model.depth</c>: 0 (a linear model) to <see cref="MaxDepth"/> hidden layers.</summary>
    public static readonly FieldDomain DepthDomain = FieldDomain.Whole(new IntRange(0, MaxDepth));

    /// <summary>The values of each <c>model.width_k</c>: a hidden layer's width, as in <c>model.hidden</c>.</summary>
    public static readonly FieldDomain WidthDomain = FieldDomain.Whole(SpecParser.LayerWidthRange);

    /// <summary>Every searchable field, in the order of the documentation.</summary>
    public static readonly IReadOnlyList<SearchableField> All =
    [
        SearchableField.Number("training.optimizer.learning_rate", NumberRange.Positive, (s, x) => Optimizer(s, o => o with { LearningRate = (float)x })),
        SearchableField.Choice("training.optimizer.name", SpecVocabulary.Optimizers, (s, kind) => Optimizer(s, o => o with { Kind = kind })),
        SearchableField.Number("training.optimizer.weight_decay", NumberRange.NonNegative, (s, x) => Optimizer(s, o => o with { WeightDecay = (float)x })),
        SearchableField.Number("training.optimizer.momentum", NumberRange.HalfOpenUnit, (s, x) => Optimizer(s, o => o with { Momentum = (float)x })),
        SearchableField.Whole("training.batch_size", SpecParser.BatchSizeRange, (s, n) => Training(s, t => t with { BatchSize = n })),
        SearchableField.Whole("training.epochs", SpecParser.EpochRange, (s, n) => Training(s, t => t with { Epochs = n })),
        SearchableField.Number("training.loss.focal_gamma", NumberRange.NonNegative, (s, x) => Training(s, t => t with { Loss = t.Loss with { FocalGamma = (float)x } })),
        SearchableField.Number("training.gradient_clip", NumberRange.Positive, (s, x) => Training(s, t => t with { GradientClipNorm = (float)x })),
        SearchableField.Number("training.fgsm_epsilon", NumberRange.Positive, (s, x) => Training(s, t => t with { FgsmEpsilon = (float)x })),
        SearchableField.Whole("training.early_stopping.patience", SpecParser.PatienceRange, (s, n) => Training(s, t => t with
        {
            EarlyStopping = (t.EarlyStopping ?? throw new ArgumentException(
                "training.early_stopping.patience: the spec has no training.early_stopping block to set it in")) with { Patience = n },
        })),
        SearchableField.Widths(Hidden, SpecParser.LayerWidthRange, (s, widths) => Model(s, m => m with { Hidden = widths })),
        SearchableField.Choice("model.activation", SpecVocabulary.Activations, (s, activation) => Model(s, m => m with { Activation = activation })),
        SearchableField.Number("model.dropout", NumberRange.HalfOpenUnit, (s, x) => Model(s, m => m with { Dropout = (float)x })),
        SearchableField.Flag("model.batch_norm", (s, on) => Model(s, m => m with { BatchNorm = on })),
        SearchableField.Flag("model.residual", (s, on) => Model(s, m => m with { Residual = on })),
        SearchableField.Choice("model.init", SpecVocabulary.Initializations, (s, init) => Model(s, m => m with { Initialization = init })),
    ];

    private static readonly Dictionary<string, SearchableField> ByName = All.ToDictionary(f => f.Name, StringComparer.Ordinal);

    public static SearchableField? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The parameter that holds the width of hidden layer <paramref name="layer"/> (1-based) of a nas architecture.</summary>
    public static string Width(int layer) => WidthPrefix + layer.ToString(CultureInfo.InvariantCulture);

    /// <summary>The layer (1-based) whose width <paramref name="name"/> holds; null when it is not a <c>model.width_k</c>.</summary>
    public static int? WidthLayer(string name) =>
        name.StartsWith(WidthPrefix, StringComparison.Ordinal)
        && int.TryParse(name.AsSpan(WidthPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var layer)
        && layer >= 1 && Width(layer) == name
            ? layer
            : null;

    /// <summary>Whether the parameter belongs to a nas architecture rather than to a spec field.</summary>
    public static bool IsArchitecture(string name) => name == Depth || WidthLayer(name) is not null;

    /// <summary>The base spec with a trial's parameters set (<see cref="CampaignSpec.ForTrial"/>).</summary>
    /// <exception cref="ArgumentException">A name is not searchable, or a value does not fit its field.</exception>
    public static CampaignSpec Apply(CampaignSpec spec, IReadOnlyDictionary<string, ParamValue> parameters)
    {
        int? depth = null;
        var widths = new SortedDictionary<int, int>();
        foreach (var (name, value) in parameters)
        {
            if (name == Depth) depth = (int)Checked(name, DepthDomain, value);
            else if (WidthLayer(name) is { } layer) widths[layer] = (int)Checked(name, WidthDomain, value);
            else if (Find(name) is { } field) spec = field.Set(spec, value);
            else throw new ArgumentException($"'{name}' is not a searchable field; searchable: {string.Join(", ", All.Select(f => f.Name))}, "
                + $"and {Depth} with {Width(1)} … for nas");
        }
        return depth is null && widths.Count == 0 ? spec : Model(spec, m => m with { Hidden = Architecture(depth, widths, parameters.ContainsKey(Hidden)) });
    }

    private static double Checked(string name, FieldDomain domain, ParamValue value) =>
        domain.Problem(value) is { } problem ? throw new ArgumentException($"{name}: {problem}") : value.AsDouble();

    /// <summary>The hidden widths a nas trial's depth and per-layer widths stand for.</summary>
    private static int[] Architecture(int? depth, SortedDictionary<int, int> widths, bool hiddenToo)
    {
        if (depth is not { } d) throw new ArgumentException($"{Width(widths.Keys.First())} needs {Depth}, which is not given");
        if (hiddenToo) throw new ArgumentException($"{Hidden} and {Depth} both set the hidden layers; a trial takes one or the other");
        if (widths.Keys.FirstOrDefault(layer => layer > d) is var extra and > 0)
            throw new ArgumentException($"{Width(extra)} is given but {Depth} is {d}");
        if (Enumerable.Range(1, d).FirstOrDefault(layer => !widths.ContainsKey(layer)) is var missing and > 0)
            throw new ArgumentException($"{Depth} is {d} but {Width(missing)} is not given");
        return [.. widths.Values];
    }

    private static CampaignSpec Training(CampaignSpec spec, Func<TrainingOptions, TrainingOptions> change) => spec with { Training = change(spec.Training) };

    private static CampaignSpec Optimizer(CampaignSpec spec, Func<OptimizerSpec, OptimizerSpec> change) =>
        Training(spec, t => t with { Optimizer = change(t.Optimizer) });

    private static CampaignSpec Model(CampaignSpec spec, Func<NetworkSpec, NetworkSpec> change) => spec with { Model = change(spec.Model) };
}
