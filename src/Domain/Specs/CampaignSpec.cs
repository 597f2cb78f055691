using EnsembleFarm.Domain.Search;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Nn;
using EnsembleFarm.Models.Training;

namespace EnsembleFarm.Domain.Specs;

/// <summary>
/// A validated campaign spec (see docs/spec.md for the YAML it is read from). Every value here has
/// passed validation, so nothing downstream needs to re-check it.
/// </summary>
/// <param name="Seed">The campaign seed: the default test seed, and the root of every member's seeds.</param>
/// <param name="Model">The network every trial trains.</param>
/// <param name="Training">
/// The training settings shared by all trials; its <see cref="TrainingOptions.Seed"/> is not used:
/// each trial trains with <see cref="TrainingFor"/> and its own initialisation seed.
/// </param>
/// <param name="Ensemble">The ensemble's size and splits; null for a search or nas campaign.</param>
/// <param name="Retries">How many times a failed trial is retried before it is marked failed.</param>
/// <param name="Trainer">What trains the trials: the built-in trainer, or a command the silos' operators allowed.</param>
/// <param name="Search">
/// What a search or nas campaign varies, optimises and spends; null for an ensemble. The other blocks are the base
/// every trial starts from (<see cref="ForTrial"/>).
/// </param>
public sealed record CampaignSpec(
    string Name,
    CampaignKind Kind,
    ulong Seed,
    DatasetSpec Dataset,
    TestPartSpec Test,
    NetworkSpec Model,
    TrainingOptions Training,
    EnsembleSpec? Ensemble,
    int Retries,
    ResourcesSpec Resources,
    TrainerSpec Trainer,
    SearchSpec? Search = null)
{
    /// <summary>The kind as the store and the CLI name it ("ensemble", "search", "nas").</summary>
    public string KindName => SpecVocabulary.Name(Kind);

    /// <summary>Attempts a trial may take: the first one plus the retries.</summary>
    public int MaxAttempts => Retries + 1;

    /// <summary>
    /// How a trial's validation part is drawn from the non-test rows, and the block that says so (for messages): an
    /// ensemble's members each draw their own (<c>ensemble.validation_fraction</c>), a search's trials all share one
    /// (<c>search.validation_fraction</c>), so that configurations are compared on the same rows.
    /// </summary>
    internal (double Fraction, bool Stratified, string Block) Validation => Search is { } search
        ? (search.ValidationFraction, search.Stratified, "search")
        : Ensemble is { } ensemble
            ? (ensemble.ValidationFraction, ensemble.Stratified, "ensemble")
            : throw new InvalidOperationException($"campaign spec '{Name}' has neither an ensemble nor a search block");

    /// <summary>The training options of one trial: the shared settings with the trial's initialisation seed.</summary>
    public TrainingOptions TrainingFor(ulong initSeed) => Training with { Seed = initSeed };

    /// <summary>
    /// The spec one trial trains: this spec with the trial's parameters set, each named by its spec field
    /// ("training.optimizer.learning_rate", "model.activation"); a nas trial's <c>model.depth</c> and
    /// <c>model.width_1</c> … <c>model.width_N</c> become <c>model.hidden</c>, and <c>model.hidden</c> itself is the
    /// text <c>[64, 64]</c>. Names are set by name (enums), numbers converted to the field's type. No parameters (an
    /// ensemble member's "{}"): this spec unchanged.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A name is not a searchable field, or a value does not fit its field; parameters a search space of this spec
    /// produced always fit.
    /// </exception>
    public CampaignSpec ForTrial(IReadOnlyDictionary<string, ParamValue> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters.Count == 0 ? this : SearchableFields.Apply(this, parameters);
    }
}

/// <summary>Where the data is and what to predict.</summary>
/// <param name="Path">The CSV file, absolute (a relative path in the YAML is resolved against the spec's folder).</param>
/// <param name="Targets">The target column; several only for regression.</param>
/// <param name="IdColumn">A column that identifies rows (kept in predictions and reports, never a feature).</param>
/// <param name="Features">The feature columns; null: every column that is neither a target nor the id.</param>
public sealed record DatasetSpec(
    string Path,
    IReadOnlyList<string> Targets,
    TaskKind Task,
    string? IdColumn,
    IReadOnlyList<string>? Features)
{
    /// <summary>How the CSV reader reads this data set.</summary>
    public CsvDatasetOptions CsvOptions => new(Targets, Task, IdColumn, Features);
}

/// <summary>The held-out test part, drawn once per campaign so that every member is scored on the same rows.</summary>
/// <param name="Fraction">Share of the rows held out, in (0, 1).</param>
/// <param name="Stratified">Keep each class's share in the test part (classification only).</param>
public sealed record TestPartSpec(double Fraction, ulong Seed, bool Stratified);

/// <param name="Slots">CPU slots of a silo that one trial occupies.</param>
/// <param name="Gpus">GPUs of that silo it occupies as well (0: none; its trainer then sees no GPU).</param>
public sealed record ResourcesSpec(int Slots, int Gpus = 0);

/// <summary>What trains a campaign's trials (the spec's <c>trainer</c> field).</summary>
/// <param name="Command">
/// The alias of a command trainer, which each silo maps to a program in its own configuration; null for the built-in
/// trainer. Never a program or a path: a silo runs only what its operator allowed.
/// </param>
public sealed record TrainerSpec(string? Command)
{
    /// <summary>The spec's value for the built-in trainer, also the default.</summary>
    public const string BuiltInName = "builtin";

    public static TrainerSpec BuiltIn { get; } = new((string?)null);

    public bool IsBuiltIn => Command is null;

    /// <summary>How messages name it: <c>builtin</c> or <c>command 'pytorch'</c>.</summary>
    public override string ToString() => Command is null ? BuiltInName : $"command '{Command}'";
}
