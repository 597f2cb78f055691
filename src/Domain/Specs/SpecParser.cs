using System.Globalization;
using System.Text.RegularExpressions;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Metrics;
using EnsembleFarm.Models.Nn;
using EnsembleFarm.Models.Training;
using YamlDotNet.RepresentationModel;

namespace EnsembleFarm.Domain.Specs;

/// <summary>
/// Reads and validates a campaign spec (the format is documented field by field in docs/spec.md).
/// A spec is either accepted whole or refused with every error it has (<see cref="SpecException"/>),
/// each naming its field and what the field allows, before anything runs.
/// </summary>
public static partial class SpecParser
{
    private static readonly IntRange MemberRange = new(1, 100_000);
    internal static readonly IntRange LayerWidthRange = new(1, 1 << 16);
    internal static readonly IntRange EpochRange = new(1, 1_000_000);
    internal static readonly IntRange BatchSizeRange = new(1, 1 << 20);
    private static readonly IntRange RetryRange = new(0, 100);
    private static readonly IntRange SlotRange = new(1, 1024);
    private static readonly IntRange GpuRange = new(0, 64);
    private static readonly IntRange ThreadRange = new(1, 1024);
    internal static readonly IntRange PatienceRange = new(1, 1_000_000);
    private static readonly IntRange CampaignIdRange = new(1, int.MaxValue);
    private static readonly IntRange TopRange = new(1, 1000);
    private static readonly IntRange NonNegativeEpochs = new(0, 1_000_000);
    private static readonly IntRange FilterRange = new(1, 1 << 16);
    private static readonly IntRange KernelRange = new(1, 4096);
    private static readonly IntRange PoolRange = new(1, 4096);
    private const int MaxAliasLength = 64;
    private const int MaxNameLength = 100;

    /// <summary>Reads a spec file; a relative dataset path is resolved against the file's folder.</summary>
    /// <param name="path">The file; error messages name it as given here.</param>
    /// <exception cref="SpecException">The spec is wrong; the message lists every error.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static CampaignSpec ParseFile(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        return Parse(File.ReadAllText(fullPath), System.IO.Path.GetDirectoryName(fullPath)!, path);
    }

    /// <summary>Reads a spec from its YAML text.</summary>
    /// <param name="specDirectory">The folder a relative <c>dataset.path</c> is resolved against.</param>
    /// <param name="sourceName">The file the text came from, as the user named it; error messages start with it.</param>
    /// <exception cref="SpecException">The spec is wrong; the message lists every error.</exception>
    public static CampaignSpec Parse(string yaml, string specDirectory, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(specDirectory);
        var errors = new List<SpecError>();
        var root = LoadRoot(yaml, errors);
        var spec = root is null ? null : ReadCampaign(SpecMapping.Root(root, errors), specDirectory);
        if (spec is null || errors.Count > 0) throw new SpecException(errors, sourceName);
        return spec;
    }

    private static YamlMappingNode? LoadRoot(string yaml, List<SpecError> errors)
    {
        var stream = SpecYaml.Load(yaml, errors);
        if (stream is null) return null;
        if (stream.Documents.Count == 0 || SpecMapping.IsNull(stream.Documents[0].RootNode))
        {
            errors.Add(new SpecError("", "the spec is empty; it needs at least name, kind and dataset"));
            return null;
        }
        if (stream.Documents.Count > 1)
            errors.Add(SpecMapping.ErrorAt("", "a spec holds one YAML document; remove the '---' separators", stream.Documents[1].RootNode));
        if (stream.Documents[0].RootNode is YamlMappingNode root) return root;
        errors.Add(SpecMapping.ErrorAt("", $"a spec is a mapping of fields (name: ..., kind: ...), got {SpecMapping.Describe(stream.Documents[0].RootNode)}",
            stream.Documents[0].RootNode));
        return null;
    }

    /// <summary>Reads every field (so that all errors are found), then builds the spec if there were none.</summary>
    private static CampaignSpec? ReadCampaign(SpecMapping root, string specDirectory)
    {
        var name = ReadName(root);
        var kind = ReadKind(root);
        var seed = root.UInt64("seed") ?? 0;
        var dataset = ReadDataset(root, specDirectory);
        var task = dataset?.Task;
        var test = ReadTestPart(root, seed, task);
        var trainer = ReadTrainer(root);
        var model = ReadModel(root, trainer);
        var training = ReadTraining(root, task);
        var ensemble = ReadEnsemble(root, task, kind);
        var retries = root.Int("retries", RetryRange) ?? 2;
        var resources = ReadResources(root, training?.Threads ?? 1);
        var search = ReadSearch(root, kind, seed, task, training);
        root.RejectUnknownFields();

        if (name is null || kind is null || dataset is null || test is null || model is null || training is null || resources is null
            || trainer is null || (kind == CampaignKind.Ensemble ? ensemble is null : search is null))
            return null;
        return new CampaignSpec(name, kind.Value, seed, dataset, test, model, training, ensemble, retries, resources, trainer, search);
    }

    private static string? ReadName(SpecMapping root)
    {
        var name = root.RequiredText("name", $"a campaign name of 1 to {MaxNameLength} characters");
        if (name is null) return null;
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            root.Error("name", $"must be 1 to {MaxNameLength} printable characters, got '{name}'");
            return null;
        }
        return name;
    }

    private static CampaignKind? ReadKind(SpecMapping root)
    {
        if (!root.Has("kind"))
        {
            root.Missing("kind", $"one of: {string.Join(", ", SpecVocabulary.Kinds.Names)}");
            return null;
        }
        return root.Text("kind") is null ? null : root.Choice("kind", SpecVocabulary.Kinds);
    }

    private static DatasetSpec? ReadDataset(SpecMapping root, string specDirectory)
    {
        var dataset = root.Mapping("dataset");
        if (dataset is null)
        {
            if (!root.Has("dataset")) root.Missing("dataset", "a mapping with path, target and task");
            return null;
        }
        var path = dataset.RequiredText("path", "the CSV file, relative to the spec's folder or absolute");
        if (path is not null && string.IsNullOrWhiteSpace(path))
        {
            dataset.Error("path", $"must name a CSV file, got '{path}'");
            path = null;
        }
        if (!dataset.Has("task")) dataset.Missing("task", $"one of: {string.Join(", ", SpecVocabulary.Tasks.Names)}");
        var task = dataset.Choice("task", SpecVocabulary.Tasks);
        var targets = ReadTargets(dataset, task);
        var idColumn = dataset.Text("id_column");
        if (idColumn is not null && string.IsNullOrWhiteSpace(idColumn))
        {
            dataset.Error("id_column", $"must name a column, got '{idColumn}'");
            idColumn = null;
        }
        if (idColumn is not null && targets is not null && targets.Contains(idColumn))
            dataset.Error("id_column", $"'{idColumn}' is also the target; the id column must be another column");
        var features = ReadFeatures(dataset, targets, idColumn);
        dataset.RejectUnknownFields();

        if (path is null || task is null || targets is null) return null;
        var fullPath = System.IO.Path.GetFullPath(System.IO.Path.Combine(specDirectory, path));
        return new DatasetSpec(fullPath, targets, task.Value, idColumn, features);
    }

    private static IReadOnlyList<string>? ReadTargets(SpecMapping dataset, TaskKind? task)
    {
        var node = dataset.Raw("target");
        switch (node)
        {
            case null:
                dataset.Missing("target", "the name of the target column (a list of names for regression)");
                return null;
            case YamlScalarNode { Value: { } single } when !string.IsNullOrWhiteSpace(single):
                return [single];
            case YamlSequenceNode:
                var items = dataset.Items("target", "column names")!;
                var names = dataset.TextItems(items);
                if (names is null) return null;
                if (names.Count == 0)
                {
                    dataset.Error("target", "must name at least one column, got an empty list");
                    return null;
                }
                if (task is not null and not TaskKind.Regression && names.Count > 1)
                {
                    dataset.Error("target", $"task '{SpecVocabulary.Name(task.Value)}' has exactly one target column; several are allowed only for task 'regression'");
                    return null;
                }
                return RejectDuplicates(dataset, "target", names) ? names : null;
            default:
                dataset.Error("target", $"must be a column name or a list of column names, got {SpecMapping.Describe(node)}");
                return null;
        }
    }

    private static IReadOnlyList<string>? ReadFeatures(SpecMapping dataset, IReadOnlyList<string>? targets, string? idColumn)
    {
        var features = dataset.TextList("features");
        if (features is null) return null;
        if (features.Count == 0)
        {
            dataset.Error("features", "must name at least one column (leave the field out to use every other column)");
            return null;
        }
        foreach (var feature in features)
        {
            if (targets is not null && targets.Contains(feature))
                dataset.Error("features", $"'{feature}' is a target column; a feature must be another column");
            if (feature == idColumn)
                dataset.Error("features", $"'{feature}' is the id column; a feature must be another column");
        }
        return RejectDuplicates(dataset, "features", features) ? features : null;
    }

    private static bool RejectDuplicates(SpecMapping mapping, string key, IReadOnlyList<string> names)
    {
        var duplicates = names.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"'{g.Key}'").ToList();
        if (duplicates.Count == 0) return true;
        mapping.Error(key, $"names each column once; repeated: {string.Join(", ", duplicates)}");
        return false;
    }

    private static TestPartSpec? ReadTestPart(SpecMapping root, ulong campaignSeed, TaskKind? task)
    {
        var test = root.Mapping("test");
        if (test is null) return root.Has("test") ? null : new TestPartSpec(0.2, campaignSeed, IsClassification(task));
        var fraction = test.Number("fraction", NumberRange.OpenUnit);
        var seed = test.UInt64("seed");
        var stratified = ReadStratified(test, task);
        test.RejectUnknownFields();
        if (AnyInvalid(test, ("fraction", fraction), ("seed", seed)) || stratified is null) return null;
        return new TestPartSpec(fraction ?? 0.2, seed ?? campaignSeed, stratified.Value);
    }

    /// <summary>The ensemble block of an ensemble campaign; a search's trials have their own validation part (<c>search.validation_fraction</c>).</summary>
    private static EnsembleSpec? ReadEnsemble(SpecMapping root, TaskKind? task, CampaignKind? kind)
    {
        if (kind is CampaignKind.Search or CampaignKind.Nas)
        {
            if (root.Has("ensemble"))
            {
                root.Error("ensemble", $"applies only to kind 'ensemble' (kind is '{SpecVocabulary.Name(kind.Value)}'); "
                    + "a search's trials validate on search.validation_fraction");
            }
            return null;
        }
        var ensemble = root.Mapping("ensemble");
        if (ensemble is null) return root.Has("ensemble") ? null : new EnsembleSpec(60, 0.2, IsClassification(task));
        var members = ensemble.Int("members", MemberRange);
        var validation = ensemble.Number("validation_fraction", NumberRange.OpenUnit);
        var stratified = ReadStratified(ensemble, task);
        var fromSearch = ReadFromSearch(ensemble, members ?? 60);
        ensemble.RejectUnknownFields();
        if (AnyInvalid(ensemble, ("members", members), ("validation_fraction", validation), ("from_search", fromSearch)) || stratified is null) return null;
        return new EnsembleSpec(members ?? 60, validation ?? 0.2, stratified.Value, fromSearch);
    }

    /// <summary>
    /// <c>ensemble.from_search: {campaign, top}</c>: train the members on each of the best <c>top</c> configurations of a
    /// search, so that an ensemble of <c>members</c> × <c>top</c> trials, like every campaign, stays within 100000.
    /// </summary>
    private static FromSearchSpec? ReadFromSearch(SpecMapping ensemble, int members)
    {
        var from = ensemble.Mapping("from_search");
        if (from is null) return null;
        if (!from.Has("campaign")) from.Missing("campaign", "the id of the search campaign, as farm list shows it");
        var campaign = from.Int("campaign", CampaignIdRange);
        var top = from.Int("top", TopRange);
        from.RejectUnknownFields();
        if (top * members > MemberRange.Max)
        {
            from.Error("top", $"{top} configurations of {members} members make {top * members} trials; "
                + $"an ensemble has at most {MemberRange.Max}: lower top or ensemble.members");
            return null;
        }
        return campaign is null || AnyInvalid(from, ("top", top)) ? null : new FromSearchSpec(campaign.Value, top ?? 1);
    }

    /// <summary>Stratification defaults to on for classification; it needs classes, so regression refuses it.</summary>
    internal static bool? ReadStratified(SpecMapping mapping, TaskKind? task)
    {
        var stratified = mapping.Flag("stratified");
        if (mapping.Has("stratified") && stratified is null) return null;
        if (stratified == true && task == TaskKind.Regression)
        {
            mapping.Error("stratified", "needs class labels; task 'regression' allows only false");
            return null;
        }
        return stratified ?? IsClassification(task);
    }

    internal static bool IsClassification(TaskKind? task) => task is TaskKind.Binary or TaskKind.Multiclass;

    /// <summary>
    /// A silo's CPU slots stand for cores, so a built-in training of T threads occupies T slots unless
    /// the spec says otherwise; without that, a silo would run slots × T threads on slots cores.
    /// </summary>
    private static ResourcesSpec? ReadResources(SpecMapping root, int trainingThreads)
    {
        var resources = root.Mapping("resources");
        if (resources is null) return root.Has("resources") ? null : new ResourcesSpec(trainingThreads);
        var slots = resources.Int("slots", SlotRange);
        var gpus = resources.Int("gpus", GpuRange);
        resources.RejectUnknownFields();
        return AnyInvalid(resources, ("slots", slots), ("gpus", gpus)) ? null : new ResourcesSpec(slots ?? trainingThreads, gpus ?? 0);
    }

    /// <summary>
    /// <c>trainer: builtin</c> (the default) or <c>trainer: {command: ALIAS}</c>. The alias names a command in the silos'
    /// own configuration, so it may only be a name: a program or a path here would be a client choosing what a silo runs.
    /// </summary>
    private static TrainerSpec? ReadTrainer(SpecMapping root)
    {
        const string allowed = $"'{TrainerSpec.BuiltInName}' (the default) or a block {{command: ALIAS}} naming a command the silos allow";
        switch (root.Raw("trainer"))
        {
            case null:
                return TrainerSpec.BuiltIn;
            case YamlScalarNode { Value: TrainerSpec.BuiltInName }:
                return TrainerSpec.BuiltIn;
            case YamlScalarNode { Value: var text }:
                var hint = SpecMapping.Suggest(text ?? "", [TrainerSpec.BuiltInName]) is { } near
                    ? $"; did you mean '{near}'?"
                    : $"; for a command trainer write trainer: {{command: {(IsAlias(text) ? text : "ALIAS")}}}";
                root.Error("trainer", $"must be {allowed}; got '{text}'{hint}");
                return null;
            case YamlMappingNode:
                var trainer = root.Mapping("trainer")!;
                var command = trainer.RequiredText("command", "the alias of a command the silos' operators allowed, e.g. pytorch");
                trainer.RejectUnknownFields();
                if (command is null) return null;
                if (command == TrainerSpec.BuiltInName)
                {
                    trainer.Error("command", $"'{TrainerSpec.BuiltInName}' is not a command; for the built-in trainer write trainer: {TrainerSpec.BuiltInName}");
                    return null;
                }
                if (!IsAlias(command))
                {
                    trainer.Error("command", $"must be the alias of a command the silos allow (letters, digits and '_', up to {MaxAliasLength}), "
                        + $"not a program or a path: a silo runs only the commands its operator configured (EnsembleFarm__Silo__Commands__ALIAS); got '{command}'");
                    return null;
                }
                return new TrainerSpec(command);
            case var other:
                root.Error("trainer", $"must be {allowed}; got {SpecMapping.Describe(other)}");
                return null;
        }
    }

    /// <summary>Whether <paramref name="text"/> can name a command: what an environment variable's name allows after <c>EnsembleFarm__Silo__Commands__</c>.</summary>
    public static bool IsAlias(string? text) => text is { Length: > 0 and <= MaxAliasLength } && AliasPattern().IsMatch(text);

    [GeneratedRegex("^[A-Za-z0-9_]+$")]
    private static partial Regex AliasPattern();

    private static NetworkSpec? ReadModel(SpecMapping root, TrainerSpec? trainer)
    {
        var defaults = new NetworkSpec([32, 32]);
        var model = root.Mapping("model");
        if (model is null) return root.Has("model") ? null : defaults;
        var hidden = model.IntList("hidden", LayerWidthRange);
        var activation = model.Choice("activation", SpecVocabulary.Activations);
        var dropout = model.Number("dropout", NumberRange.HalfOpenUnit);
        var batchNorm = model.Flag("batch_norm");
        var residual = model.Flag("residual");
        var slope = model.Number("leaky_relu_slope", NumberRange.NonNegative);
        var initialization = model.Choice("init", SpecVocabulary.Initializations);
        if (slope is not null && (activation ?? defaults.Activation) != Activation.LeakyRelu)
            model.Error("leaky_relu_slope", "applies only to activation 'leaky_relu'");
        var architecture = model.Choice("architecture", SpecVocabulary.Architectures);
        var conv = ReadConv(model, architecture ?? ModelArchitecture.Dense);
        if (architecture == ModelArchitecture.Cnn1d && trainer is { IsBuiltIn: true })
        {
            model.Error("architecture", "'cnn1d' needs a command trainer (trainer: {command: ALIAS}, e.g. pytorch): the built-in trainer trains dense networks");
            conv = null;
        }
        model.RejectUnknownFields();
        if (AnyInvalid(model, ("hidden", hidden), ("activation", activation), ("dropout", dropout), ("batch_norm", batchNorm),
                ("residual", residual), ("leaky_relu_slope", slope), ("init", initialization), ("architecture", architecture))
            || architecture == ModelArchitecture.Cnn1d && conv is null)
            return null;
        return new NetworkSpec(
            hidden ?? defaults.Hidden,
            activation ?? defaults.Activation,
            (float)(dropout ?? defaults.Dropout),
            batchNorm ?? defaults.BatchNorm,
            residual ?? defaults.Residual,
            (float)(slope ?? defaults.LeakyReluSlope),
            initialization ?? defaults.Initialization,
            conv);
    }

    /// <summary>
    /// <c>model.conv</c>: the convolution stages of a cnn1d, required and only allowed there. Whether the data's width
    /// survives them is checked when the data is read (<see cref="Planning.CampaignPlan"/>).
    /// </summary>
    private static IReadOnlyList<Conv1dStage>? ReadConv(SpecMapping model, ModelArchitecture architecture)
    {
        const string stageFields = "filters, kernel, pool, padding";
        if (architecture != ModelArchitecture.Cnn1d)
        {
            if (model.Has("conv")) model.Error("conv", "applies only to architecture 'cnn1d' (add architecture: cnn1d)");
            return null;
        }
        var items = model.MappingItems("conv", stageFields);
        if (items is null)
        {
            if (!model.Has("conv")) model.Missing("conv", "a list of convolution stages, e.g. [{filters: 16, kernel: 7, pool: 2}]");
            return null;
        }
        if (items.Count == 0)
        {
            model.Error("conv", "must list at least one convolution stage, e.g. [{filters: 16, kernel: 7, pool: 2}]");
            return null;
        }
        var stages = new List<Conv1dStage>(items.Count);
        foreach (var item in items)
        {
            if (item is null) continue;
            if (!item.Has("filters")) item.Missing("filters", "the number of output channels, e.g. 16");
            if (!item.Has("kernel")) item.Missing("kernel", "the kernel width, e.g. 7");
            var filters = item.Int("filters", FilterRange);
            var kernel = item.Int("kernel", KernelRange);
            var pool = item.Int("pool", PoolRange);
            var padding = item.Choice("padding", SpecVocabulary.Paddings);
            item.RejectUnknownFields();
            if (kernel % 2 == 0 && (padding ?? Conv1dPadding.Same) == Conv1dPadding.Same)
            {
                item.Error("kernel", $"is even ({kernel}); padding 'same' adds (kernel − 1)/2 zeros at each end, so it needs an odd kernel: "
                    + "use an odd kernel or padding: valid");
                continue;
            }
            if (filters is { } f && kernel is { } k && !AnyInvalid(item, ("pool", pool), ("padding", padding)))
                stages.Add(new Conv1dStage(f, k, pool ?? 1, padding ?? Conv1dPadding.Same));
        }
        return stages.Count == items.Count ? stages : null;
    }

    private static TrainingOptions? ReadTraining(SpecMapping root, TaskKind? task)
    {
        var defaults = new TrainingOptions();
        var training = root.Mapping("training");
        if (training is null) return root.Has("training") ? null : defaults;
        var epochs = training.Int("epochs", EpochRange);
        var batchSize = training.Int("batch_size", BatchSizeRange);
        var optimizer = ReadOptimizer(training);
        var schedule = ReadSchedule(training, epochs ?? defaults.Epochs, optimizer?.LearningRate);
        var loss = ReadLoss(training, task);
        var clip = training.Number("gradient_clip", NumberRange.Positive);
        var earlyStopping = ReadEarlyStopping(training, task);
        var fgsm = training.Number("fgsm_epsilon", NumberRange.Positive);
        var threads = training.Int("threads", ThreadRange);
        training.RejectUnknownFields();
        if (AnyInvalid(training, ("epochs", epochs), ("batch_size", batchSize), ("gradient_clip", clip), ("fgsm_epsilon", fgsm), ("threads", threads))
            || optimizer is null || schedule is null || loss is null || training.Has("early_stopping") && earlyStopping is null)
            return null;
        return defaults with
        {
            Epochs = epochs ?? defaults.Epochs,
            BatchSize = batchSize ?? defaults.BatchSize,
            Optimizer = optimizer,
            Schedule = schedule,
            Loss = loss,
            GradientClipNorm = (float?)clip,
            EarlyStopping = earlyStopping,
            FgsmEpsilon = (float?)fgsm,
            Threads = threads ?? defaults.Threads,
        };
    }

    private static OptimizerSpec? ReadOptimizer(SpecMapping training)
    {
        var defaults = new OptimizerSpec();
        var optimizer = training.Mapping("optimizer");
        if (optimizer is null) return training.Has("optimizer") ? null : defaults;
        var kind = optimizer.Choice("name", SpecVocabulary.Optimizers);
        var effectiveKind = kind ?? defaults.Kind;
        var learningRate = optimizer.Number("learning_rate", NumberRange.Positive);
        var momentum = optimizer.Number("momentum", NumberRange.HalfOpenUnit);
        var nesterov = optimizer.Flag("nesterov");
        var weightDecay = optimizer.Number("weight_decay", NumberRange.NonNegative);
        var betas = optimizer.NumberList("betas", NumberRange.HalfOpenUnit);
        var epsilon = optimizer.Number("epsilon", NumberRange.Positive);
        var optimizerName = $"(optimizer is '{SpecVocabulary.Optimizers.Name(effectiveKind)}')";
        var valid = !AnyInvalid(optimizer, ("name", kind), ("learning_rate", learningRate), ("momentum", momentum), ("nesterov", nesterov),
            ("weight_decay", weightDecay), ("betas", betas), ("epsilon", epsilon));
        if (effectiveKind != OptimizerKind.Sgd)
        {
            foreach (var sgdOnly in new[] { "momentum", "nesterov" }.Where(optimizer.Has))
                valid &= Fail(optimizer, sgdOnly, $"applies only to optimizer 'sgd' {optimizerName}");
        }
        else
        {
            foreach (var adamOnly in new[] { "betas", "epsilon" }.Where(optimizer.Has))
                valid &= Fail(optimizer, adamOnly, $"applies only to optimizers 'adam' and 'adamw' {optimizerName}");
            if (nesterov == true && (momentum ?? 0) == 0)
                valid &= Fail(optimizer, "nesterov", "needs momentum > 0");
        }
        if (betas is not null && betas.Count != 2)
            valid &= Fail(optimizer, "betas", $"must be two numbers [beta1, beta2], each in [0, 1), got {betas.Count}");
        optimizer.RejectUnknownFields();
        if (!valid) return null;
        return new OptimizerSpec(
            effectiveKind,
            (float)(learningRate ?? defaults.LearningRate),
            (float)(momentum ?? defaults.Momentum),
            nesterov ?? defaults.Nesterov,
            betas is null ? defaults.Beta1 : (float)betas[0],
            betas is null ? defaults.Beta2 : (float)betas[1],
            (float)(epsilon ?? defaults.Epsilon),
            (float)(weightDecay ?? defaults.WeightDecay));
    }

    private static ScheduleSpec? ReadSchedule(SpecMapping training, int epochs, float? learningRate)
    {
        var defaults = new ScheduleSpec();
        var schedule = training.Mapping("schedule");
        if (schedule is null) return training.Has("schedule") ? null : defaults;
        var kind = schedule.Choice("name", SpecVocabulary.Schedules);
        var effectiveKind = kind ?? defaults.Kind;
        var stepEpochs = schedule.Int("step_epochs", new IntRange(1, EpochRange.Max));
        var stepGamma = schedule.Number("step_gamma", new NumberRange(0, false, 1, true));
        var minLearningRate = schedule.Number("min_learning_rate", NumberRange.NonNegative);
        var warmup = schedule.Int("warmup_epochs", NonNegativeEpochs);
        var valid = !AnyInvalid(schedule, ("name", kind), ("step_epochs", stepEpochs), ("step_gamma", stepGamma),
            ("min_learning_rate", minLearningRate), ("warmup_epochs", warmup));
        var scheduleName = $"(schedule is '{SpecVocabulary.Schedules.Name(effectiveKind)}')";
        if (effectiveKind != ScheduleKind.Step)
        {
            foreach (var stepOnly in new[] { "step_epochs", "step_gamma" }.Where(schedule.Has))
                valid &= Fail(schedule, stepOnly, $"applies only to schedule 'step' {scheduleName}");
        }
        var peak = learningRate ?? new OptimizerSpec().LearningRate;
        if (effectiveKind != ScheduleKind.Cosine && schedule.Has("min_learning_rate"))
            valid &= Fail(schedule, "min_learning_rate", $"applies only to schedule 'cosine' {scheduleName}");
        else if (minLearningRate >= peak)
            valid &= Fail(schedule, "min_learning_rate", $"must be below the learning rate {peak.ToString(CultureInfo.InvariantCulture)}, got {minLearningRate.Value.ToString(CultureInfo.InvariantCulture)}");
        if (warmup >= epochs)
            valid &= Fail(schedule, "warmup_epochs", $"must be fewer than the {epochs} epochs, got {warmup}");
        schedule.RejectUnknownFields();
        if (!valid) return null;
        return new ScheduleSpec(
            effectiveKind,
            stepEpochs ?? defaults.StepEpochs,
            (float)(stepGamma ?? defaults.StepGamma),
            (float)(minLearningRate ?? defaults.MinLearningRate),
            warmup ?? defaults.WarmupEpochs);
    }

    private static LossSpec? ReadLoss(SpecMapping training, TaskKind? task)
    {
        var defaults = new LossSpec();
        var loss = training.Mapping("loss");
        if (loss is null) return training.Has("loss") ? null : defaults;
        var kind = loss.Choice("name", SpecVocabulary.Losses);
        var effectiveKind = kind ?? defaults.Kind;
        var focalGamma = loss.Number("focal_gamma", NumberRange.NonNegative);
        var focalAlpha = loss.Number("focal_alpha", NumberRange.OpenUnit);
        var huberDelta = loss.Number("huber_delta", NumberRange.Positive);
        var classWeights = loss.NumberList("class_weights", NumberRange.Positive);
        var valid = !AnyInvalid(loss, ("name", kind), ("focal_gamma", focalGamma), ("focal_alpha", focalAlpha),
            ("huber_delta", huberDelta), ("class_weights", classWeights));
        var lossName = $"(loss is '{SpecVocabulary.Losses.Name(effectiveKind)}')";
        if (kind is { } chosen && task is { } known && LossTasks(chosen) is { } allowedTasks && !allowedTasks.Contains(known))
        {
            valid &= Fail(loss, "name", $"'{SpecVocabulary.Losses.Name(chosen)}' does not fit task '{SpecVocabulary.Name(known)}'; "
                + $"allowed for it: {string.Join(", ", LossesFor(known))}");
        }
        if (effectiveKind != LossKind.Focal)
        {
            foreach (var focalOnly in new[] { "focal_gamma", "focal_alpha" }.Where(loss.Has))
                valid &= Fail(loss, focalOnly, $"applies only to loss 'focal' {lossName}");
        }
        if (effectiveKind != LossKind.Huber && loss.Has("huber_delta"))
            valid &= Fail(loss, "huber_delta", $"applies only to loss 'huber' {lossName}");
        if (classWeights is not null)
        {
            if (task == TaskKind.Regression)
                valid &= Fail(loss, "class_weights", "applies only to classification tasks (binary, multiclass)");
            else if (task == TaskKind.Binary && classWeights.Count != 2)
                valid &= Fail(loss, "class_weights", $"must be two weights [negative, positive] for task 'binary', got {classWeights.Count}");
            else if (classWeights.Count < 2)
                valid &= Fail(loss, "class_weights", $"must be one weight per class (at least 2), got {classWeights.Count}");
        }
        loss.RejectUnknownFields();
        if (!valid) return null;
        return new LossSpec(
            effectiveKind,
            (float)(focalGamma ?? defaults.FocalGamma),
            (float?)focalAlpha ?? defaults.FocalAlpha,
            (float)(huberDelta ?? defaults.HuberDelta),
            classWeights?.Select(w => (float)w).ToList());
    }

    /// <summary>The tasks a loss fits; null for <see cref="LossKind.Auto"/>, which fits every task.</summary>
    private static TaskKind[]? LossTasks(LossKind loss) => loss switch
    {
        LossKind.BinaryCrossEntropy => [TaskKind.Binary],
        LossKind.SoftmaxCrossEntropy => [TaskKind.Multiclass],
        LossKind.Mse or LossKind.Huber => [TaskKind.Regression],
        LossKind.Focal => [TaskKind.Binary, TaskKind.Multiclass],
        _ => null,
    };

    private static IEnumerable<string> LossesFor(TaskKind task) =>
        SpecVocabulary.Losses.Names.Where(name =>
            SpecVocabulary.Losses.TryLookup(name, out var loss) && (LossTasks(loss)?.Contains(task) ?? true));

    private static EarlyStoppingSpec? ReadEarlyStopping(SpecMapping training, TaskKind? task)
    {
        var defaults = new EarlyStoppingSpec();
        var earlyStopping = training.Mapping("early_stopping");
        if (earlyStopping is null) return null;
        var metric = earlyStopping.Text("metric");
        var patience = earlyStopping.Int("patience", PatienceRange);
        var minDelta = earlyStopping.Number("min_delta", NumberRange.NonNegative);
        var mode = earlyStopping.Choice("mode", SpecVocabulary.EarlyStoppingModes);
        var restoreBest = earlyStopping.Flag("restore_best");
        var valid = !AnyInvalid(earlyStopping, ("metric", metric), ("patience", patience), ("min_delta", minDelta),
            ("mode", mode), ("restore_best", restoreBest));
        if (metric is not null && task is { } known && !EpochMetricNames(known).Contains(metric))
        {
            var hint = SpecMapping.Suggest(metric, EpochMetricNames(known)) is { } near ? $"; did you mean '{near}'?" : "";
            valid &= Fail(earlyStopping, "metric", $"must be an epoch metric of task '{SpecVocabulary.Name(known)}': "
                + $"{string.Join(", ", EpochMetricNames(known))}; got '{metric}'{hint}");
        }
        earlyStopping.RejectUnknownFields();
        if (!valid) return null;
        return new EarlyStoppingSpec(
            metric ?? defaults.Metric,
            patience ?? defaults.Patience,
            minDelta ?? defaults.MinDelta,
            mode switch { EarlyStoppingMode.Min => false, EarlyStoppingMode.Max => true, _ => null },
            restoreBest ?? defaults.RestoreBest);
    }

    /// <summary>
    /// The epoch metrics the trainer reports with validation data: the training and validation losses,
    /// and "val_" before each of the task's standard metrics.
    /// </summary>
    internal static IReadOnlyList<string> EpochMetricNames(TaskKind task) =>
        ["val_loss", .. TaskMetrics.Names(task).Select(m => "val_" + m), "train_loss"];

    /// <summary>True when a field that is present failed to read (its error is already recorded).</summary>
    private static bool AnyInvalid(SpecMapping mapping, params (string Key, object? Value)[] fields) =>
        fields.Any(field => field.Value is null && mapping.Has(field.Key));

    private static bool Fail(SpecMapping mapping, string key, string message)
    {
        mapping.Error(key, message);
        return false;
    }
}
