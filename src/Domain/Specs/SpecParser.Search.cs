using System.Collections.ObjectModel;
using System.Globalization;
using System.Text.RegularExpressions;
using EnsembleFarm.Domain.Search;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Metrics;
using EnsembleFarm.Models.Training;
using YamlDotNet.RepresentationModel;

namespace EnsembleFarm.Domain.Specs;

/// <summary>The <c>search:</c> block of search and nas campaigns (docs/spec.md, "search").</summary>
public static partial class SpecParser
{
    private static readonly IntRange TrialRange = new(1, 100_000);

    /// <summary>
    /// The stream of the campaign seed that seeds the sampler and hyperband's brackets when the spec gives no seed of
    /// its own ("sampler" in ASCII): apart from the streams of the members' and trials' seeds.
    /// </summary>
    private const ulong SamplerSeedStream = 0x73616D706C6572UL;

    /// <summary>Reads the search block; null for an ensemble (where the block is an error) or when it has errors.</summary>
    private static SearchSpec? ReadSearch(SpecMapping root, CampaignKind? kind, ulong campaignSeed, TaskKind? task, TrainingOptions? training)
    {
        var search = root.Mapping("search");
        if (search is null)
        {
            if (kind is CampaignKind.Search or CampaignKind.Nas && !root.Has("search"))
                root.Missing("search", $"for kind '{SpecVocabulary.Name(kind.Value)}': the space to search, the number of trials and the objectives");
            return null;
        }
        if (kind == CampaignKind.Ensemble)
        {
            root.Error("search", "applies only to kinds 'search' and 'nas' (kind is 'ensemble')");
            return null;
        }
        var nas = kind == CampaignKind.Nas;
        var budget = ReadBudget(search);
        var validation = search.Number("validation_fraction", NumberRange.OpenUnit);
        var stratified = ReadStratified(search, task);
        var objectives = ReadObjectives(search, task, nas);
        var parameters = new SearchSpaceReader();
        ReadParameters(search, kind, parameters);
        var space = parameters.Build();
        var enqueued = ReadEnqueue(search, parameters, space, budget?.Trials);
        var defaultSeed = Rng.Derive(campaignSeed, SamplerSeedStream);
        var (sampler, singleObjective) = SearchAlgorithmReader.ReadSampler(search, defaultSeed, space, parameters);
        var pruner = SearchAlgorithmReader.ReadPruner(search, defaultSeed, training?.Epochs ?? new TrainingOptions().Epochs);
        search.RejectUnknownFields();
        if (objectives is not null)
            CheckObjectives(search, objectives, sampler, singleObjective, pruner, budget);
        if (space is not null && training is not null) CheckAgainstBase(space, training, parameters);

        if (budget is null || AnyInvalid(search, ("validation_fraction", validation)) || stratified is null || objectives is null
            || space is null || enqueued is null || sampler is null || search.Has("pruner") && pruner is null)
            return null;
        return new SearchSpec(space, objectives, sampler, pruner, budget, enqueued, validation ?? 0.2, stratified.Value);
    }

    private static SearchBudget? ReadBudget(SpecMapping search)
    {
        if (!search.Has("trials")) search.Missing("trials", $"how many trials to run in all, {TrialRange.Describe("a whole number")}");
        var trials = search.Int("trials", TrialRange);
        var timeLimit = ReadDuration(search, "time_limit");
        var parallelism = search.Int("parallelism", TrialRange);
        var patience = search.Int("stop_after_no_improvement", TrialRange);
        if (trials is null || AnyInvalid(search, ("time_limit", timeLimit), ("parallelism", parallelism), ("stop_after_no_improvement", patience)))
            return null;
        return new SearchBudget(trials.Value, timeLimit, parallelism, patience);
    }

    /// <summary>A wall-clock duration as a number and a unit: <c>90s</c>, <c>30m</c>, <c>1.5h</c>, <c>2d</c>.</summary>
    private static TimeSpan? ReadDuration(SpecMapping block, string key)
    {
        if (block.Raw(key) is not { } node) return null;
        if (node is YamlScalarNode { Value: { } text } && DurationText().Match(text) is { Success: true } match
            && double.TryParse(match.Groups["number"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
            && amount > 0 && amount * Seconds(match.Groups["unit"].Value) <= TimeSpan.FromDays(3650).TotalSeconds)
            return TimeSpan.FromSeconds(amount * Seconds(match.Groups["unit"].Value));
        block.ErrorAtNode(block.PathOf(key), $"must be a duration up to 10 years: a number > 0 and a unit, s, m, h or d (90s, 30m, 1.5h, 2d), "
            + $"got {SpecMapping.Describe(node)}", node);
        return null;

        static double Seconds(string unit) => unit switch { "s" => 1, "m" => 60, "h" => 3600, _ => 86400 };
    }

    [GeneratedRegex(@"^\s*(?<number>[0-9]+(\.[0-9]+)?)\s*(?<unit>[smhd])\s*$")]
    private static partial Regex DurationText();

    /// <summary>
    /// What trials are judged by: epoch metrics of the task (early stopping's list), and for nas the model's size and
    /// speed. Without a direction, losses, errors, the size and the latency are minimised, other metrics maximised.
    /// </summary>
    private static IReadOnlyList<Objective>? ReadObjectives(SpecMapping search, TaskKind? task, bool nas)
    {
        var items = search.Items("objectives", "objectives ({metric: val_loss, direction: minimize})");
        if (items is null) return search.Has("objectives") ? null : [Objective.Minimize("val_loss")];
        if (items.Count == 0)
        {
            search.Error("objectives", "must list at least one objective (leave the field out to minimize val_loss)");
            return null;
        }
        var objectives = new List<Objective>();
        var valid = true;
        foreach (var (node, path) in items)
        {
            var objective = search.ParseMapping(node, path, "an objective: {metric: ..., direction: minimize or maximize}") is { } item
                ? ReadObjective(item, task, nas)
                : null;
            if (objective is not null && objectives.Any(o => o.Metric == objective.Metric))
            {
                search.ErrorAtNode(path, $"'{objective.Metric}' is already an objective; each metric is one objective", node);
                objective = null;
            }
            if (objective is null) valid = false;
            else objectives.Add(objective);
        }
        return valid ? objectives : null;
    }

    private static Objective? ReadObjective(SpecMapping item, TaskKind? task, bool nas)
    {
        var metric = item.RequiredText("metric", "an epoch metric of the task, such as val_loss or val_auc");
        var direction = item.Choice("direction", SpecVocabulary.Directions);
        item.RejectUnknownFields();
        if (metric is null || AnyInvalid(item, ("direction", direction))) return null;
        if (task is not { } known) return new Objective(metric, direction ?? Direction.Minimize);
        string[] sizes = [SearchSpec.ParametersMetric, SearchSpec.LatencyMetric];
        var metrics = EpochMetricNames(known);
        if (metrics.Contains(metric) || nas && sizes.Contains(metric))
            return new Objective(metric, direction ?? (sizes.Contains(metric) || !TaskMetrics.IsHigherBetter(metric) ? Direction.Minimize : Direction.Maximize));
        var hint = SpecMapping.Suggest(metric, nas ? [.. metrics, .. sizes] : metrics) is { } near ? $"; did you mean '{near}'?"
            : sizes.Contains(metric) ? $" ({string.Join(" and ", sizes)} are objectives of kind 'nas')"
            : "";
        item.Error("metric", nas
            ? $"must be an epoch metric of task '{SpecVocabulary.Name(known)}' ({string.Join(", ", metrics)}), {string.Join(" or ", sizes)}; got '{metric}'{hint}"
            : $"must be an epoch metric of task '{SpecVocabulary.Name(known)}': {string.Join(", ", metrics)}; got '{metric}'{hint}");
        return null;
    }

    /// <summary>A nas campaign's architecture, then the space (a search's parameters; a nas campaign's training parameters).</summary>
    private static void ReadParameters(SpecMapping search, CampaignKind? kind, SearchSpaceReader parameters)
    {
        var architecture = search.Mapping("architecture");
        if (kind == CampaignKind.Search && architecture is not null)
            search.Error("architecture", "applies only to kind 'nas' (kind is 'search'); a search varies model.hidden in search.space");
        else if (architecture is not null)
            parameters.ReadArchitecture(architecture);
        else if (kind == CampaignKind.Nas && !search.Has("architecture"))
            search.Missing("architecture", "for kind 'nas': the range of depth and width of the hidden layers, e.g. {depth: [1, 4], width: [16, 256]}");

        var space = search.Mapping("space");
        if (space is null)
        {
            if (kind != CampaignKind.Nas && !search.Has("space"))
                search.Missing("space", "the fields to search, each with its distribution, e.g. {training.optimizer.learning_rate: {float: [1.0e-4, 0.1], log: true}}");
            return;
        }
        if (kind != CampaignKind.Nas && space.Fields().Count == 0)
            search.Error("space", "must name at least one field to search");
        parameters.ReadSpace(space, kind == CampaignKind.Nas);
    }

    /// <summary>
    /// <c>enqueue</c>: configurations to try first, each a complete assignment of the space (every active parameter,
    /// no inactive one, each value in its distribution), as <see cref="SearchSpace.Check"/> says.
    /// </summary>
    private static IReadOnlyList<IReadOnlyDictionary<string, ParamValue>>? ReadEnqueue(
        SpecMapping search, SearchSpaceReader parameters, SearchSpace? space, int? trials)
    {
        var items = search.Items("enqueue", "configurations ({field: value, ...})");
        if (items is null) return search.Has("enqueue") ? null : [];
        if (items.Count > trials)
            search.Error("enqueue", $"holds {items.Count} configurations but search.trials is {trials}; enqueued configurations are trials too");
        var configurations = new List<IReadOnlyDictionary<string, ParamValue>>();
        foreach (var (node, path) in items)
        {
            if (search.ParseMapping(node, path, "a configuration: a mapping of searched fields to values") is not { } item) continue;
            var values = new Dictionary<string, ParamValue>(StringComparer.Ordinal);
            foreach (var (name, valueNode) in item.Fields())
            {
                if (parameters.DomainOf(name) is not { } domain) item.Error(name, parameters.NotAParameter(name));
                else if (domain.Read(item, valueNode, item.PathOf(name)) is { } value) values[name] = value;
            }
            if (space is null || values.Count != item.Fields().Count) continue;
            var problems = space.Check(values);
            foreach (var problem in problems) search.ErrorAtNode(path, problem, node);
            if (problems.Count == 0) configurations.Add(new ReadOnlyDictionary<string, ParamValue>(values));
        }
        return configurations.Count == items.Count && items.Count <= trials ? configurations : null;
    }

    /// <summary>What the sampler, the pruner and the budget need of the objectives.</summary>
    private static void CheckObjectives(SpecMapping search, IReadOnlyList<Objective> objectives, SamplerSpec? sampler, bool singleObjective,
        PrunerSpec? pruner, SearchBudget? budget)
    {
        if (objectives.Count > 1 && sampler is not null && singleObjective)
        {
            search.Error(search.Has("objectives") ? "objectives" : "sampler", $"has {objectives.Count} objectives, but sampler '{sampler.Name}' "
                + "optimises one; for several use tpe, nsga2, random, grid or sobol");
        }
        if (pruner is not null && objectives.Count > 1)
            search.Error("pruner", $"needs a single objective to compare learning curves on; search.objectives has {objectives.Count}");
        else if (pruner is not null && objectives[0].Metric is SearchSpec.ParametersMetric or SearchSpec.LatencyMetric)
            search.Error("pruner", $"needs an objective reported every epoch; '{objectives[0].Metric}' is measured once a trial has trained");
        if (budget?.StopAfterNoImprovement is not null && objectives.Count > 1)
            search.Error("stop_after_no_improvement", $"needs a single objective (search.objectives has {objectives.Count}): with several, no one trial is the best");
    }

    /// <summary>
    /// The rules a base spec's reader enforces between fields, applied to the values a search may give them, so that no
    /// trial gets settings its training would refuse or ignore: momentum only with sgd (and above 0 with Nesterov),
    /// focal_gamma only with the focal loss, patience only with early stopping, a cosine schedule's floor below every
    /// learning rate, the warm-up shorter than every epoch count.
    /// </summary>
    private static void CheckAgainstBase(SearchSpace space, TrainingOptions training, SearchSpaceReader parameters)
    {
        const string momentum = "training.optimizer.momentum", optimizer = "training.optimizer.name";
        if (space.Contains(momentum))
        {
            var baseOptimizer = SpecVocabulary.Optimizers.Name(training.Optimizer.Kind);
            var others = ValuesWhenActive(space, space[momentum], optimizer, baseOptimizer).Where(o => o != "sgd").ToList();
            if (others.Count > 0 && space.Contains(optimizer))
                parameters.Error(momentum, $"applies only to optimizer 'sgd', but is active with '{others[0]}': add when: {{{optimizer}: sgd}}");
            else if (others.Count > 0)
                parameters.Error(momentum, $"applies only to optimizer 'sgd' (optimizer is '{baseOptimizer}')");
            else if (training.Optimizer.Nesterov && Lowest(space[momentum].Distribution) == 0)
                parameters.Error(momentum, "must be above 0 in every trial: training.optimizer.nesterov is true, and Nesterov momentum needs momentum > 0");
        }
        if (space.Contains("training.loss.focal_gamma") && training.Loss.Kind != LossKind.Focal)
            parameters.Error("training.loss.focal_gamma", $"applies only to loss 'focal' (loss is '{SpecVocabulary.Losses.Name(training.Loss.Kind)}')");
        if (space.Contains("training.early_stopping.patience") && training.EarlyStopping is null)
            parameters.Error("training.early_stopping.patience", "applies only with early stopping on: add early_stopping: {} to the training block");
        // Compared as the trainer holds them, in single precision.
        if (space.Contains("training.optimizer.learning_rate") && training.Schedule.Kind == ScheduleKind.Cosine
            && (float)Lowest(space["training.optimizer.learning_rate"].Distribution) is var lowestRate && lowestRate <= training.Schedule.MinLearningRate)
        {
            parameters.Error("training.optimizer.learning_rate", "must stay above training.schedule.min_learning_rate "
                + $"{Format(training.Schedule.MinLearningRate)} in every trial, got {Format(lowestRate)}");
        }
        if (space.Contains("training.epochs") && Lowest(space["training.epochs"].Distribution) is var fewest && fewest <= training.Schedule.WarmupEpochs)
            parameters.Error("training.epochs", $"must stay above training.schedule.warmup_epochs ({training.Schedule.WarmupEpochs}) in every trial, got {fewest}");
    }

    /// <summary>The values <paramref name="parent"/> can have in a trial where <paramref name="child"/> is active.</summary>
    private static IEnumerable<string> ValuesWhenActive(SearchSpace space, ParameterSpec child, string parent, string baseValue) =>
        (space.Contains(parent) ? space[parent].Distribution.Enumerate(long.MaxValue) : [baseValue])
            .Where(value => child.Conditions.Where(c => c.Parameter == parent).All(c => c.IsSatisfiedBy(value)))
            .Select(value => value.ToString());

    /// <summary>The smallest value a numeric distribution gives.</summary>
    private static double Lowest(Distribution distribution) => distribution is CategoricalDistribution categorical
        ? categorical.Choices.Min(c => c.AsDouble())
        : distribution.FromUnit(0).AsDouble();

    private static string Format(float value) => value.ToString(CultureInfo.InvariantCulture);
}
