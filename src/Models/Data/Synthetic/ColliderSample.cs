namespace EnsembleFarm.Models.Data.Synthetic;

/// <summary>
/// A deterministic, physics-like data set for trying the farm (what <c>farm data generate</c> writes):
/// <list type="bullet">
/// <item><see cref="TaskKind.Binary"/>: H → γγ signal (label <c>signal</c> = 1) against the diphoton continuum and
/// γ + jet fakes, about 1 : 3; a resonance at 125 GeV over a falling background, so a network beats a linear cut.</item>
/// <item><see cref="TaskKind.Multiclass"/>: the same events, label <c>process</c> = 0 continuum, 1 Higgs, 2 γ + jet.</item>
/// <item><see cref="TaskKind.Regression"/>: single photons, target <c>pt_true</c> from the measured <c>pt_reco</c>,
/// η, φ, r9 and the pile-up vertex count.</item>
/// </list>
/// Every file has an <c>event_id</c> column (1, 2, ...) first. The same seed and row count give the same values and
/// byte-identical CSV text (LF line ends, invariant culture); the first n rows of a larger sample equal the sample of
/// n rows. docs/data.md documents the physics, every column and formula, and measured baselines.
/// </summary>
public static class ColliderSample
{
    public const string IdColumn = "event_id";

    /// <summary>Simulates <paramref name="rows"/> events in memory.</summary>
    public static Dataset Generate(int rows, ulong seed, TaskKind task = TaskKind.Binary)
    {
        var classCount = task switch { TaskKind.Binary => 2, TaskKind.Multiclass => 3, _ => 0 };
        return SyntheticTable.Generate(CreateSource(seed, task), rows, task, classCount);
    }

    /// <summary>
    /// Streams <paramref name="rows"/> events as CSV: header, then one line per event. The values are exactly those of
    /// <see cref="Generate"/> for the same arguments, and reading the text back with <see cref="CsvOptions"/> restores them bit for bit.
    /// </summary>
    public static void Write(TextWriter writer, int rows, ulong seed, TaskKind task = TaskKind.Binary) =>
        SyntheticTable.Write(writer, CreateSource(seed, task), rows, IdColumn);

    /// <summary>How to read a written sample back: its target column, task and id column (every other column is a feature).</summary>
    public static CsvDatasetOptions CsvOptions(TaskKind task = TaskKind.Binary) =>
        new([CreateSource(0, task).TargetName], task, IdColumn);

    /// <summary>The feature column names of the sample, in file order.</summary>
    public static IReadOnlyList<string> FeatureNames(TaskKind task = TaskKind.Binary) => CreateSource(0, task).FeatureNames;

    private static IEventSource CreateSource(ulong seed, TaskKind task) => task switch
    {
        TaskKind.Binary => new DiphotonEvents(new Rng(seed), labelIsProcess: false),
        TaskKind.Multiclass => new DiphotonEvents(new Rng(seed), labelIsProcess: true),
        TaskKind.Regression => new PhotonEnergyEvents(new Rng(seed)),
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "Unknown task kind."),
    };
}
