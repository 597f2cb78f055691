using System.Globalization;

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
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        var source = CreateSource(seed, task);
        var width = source.FeatureNames.Count;
        var features = new float[rows * width];
        var targets = new float[rows];
        var ids = new string[rows];
        var raw = new double[width];
        for (var r = 0; r < rows; r++)
        {
            targets[r] = Record(source.Next(raw), source.TargetDecimals);
            for (var j = 0; j < width; j++) features[r * width + j] = Record(raw[j], source.FeatureDecimals[j]);
            ids[r] = EventId(r);
        }
        var classCount = task switch { TaskKind.Binary => 2, TaskKind.Multiclass => 3, _ => 0 };
        return new Dataset(source.FeatureNames, features, [source.TargetName], targets, task, classCount, ids);
    }

    /// <summary>
    /// Streams <paramref name="rows"/> events as CSV: header, then one line per event. The values are exactly those of
    /// <see cref="Generate"/> for the same arguments, and reading the text back with <see cref="CsvOptions"/> restores them bit for bit.
    /// </summary>
    public static void Write(TextWriter writer, int rows, ulong seed, TaskKind task = TaskKind.Binary)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        var source = CreateSource(seed, task);
        var width = source.FeatureNames.Count;
        writer.Write(IdColumn);
        foreach (var name in source.FeatureNames) writer.Write($",{name}");
        writer.Write($",{source.TargetName}\n");

        var raw = new double[width];
        Span<char> number = stackalloc char[32];
        for (var r = 0; r < rows; r++)
        {
            var target = Record(source.Next(raw), source.TargetDecimals);
            writer.Write(EventId(r));
            for (var j = 0; j < width; j++)
            {
                writer.Write(',');
                WriteNumber(writer, Record(raw[j], source.FeatureDecimals[j]), number);
            }
            writer.Write(',');
            WriteNumber(writer, target, number);
            writer.Write('\n');
        }
    }

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

    /// <summary>The value as recorded: rounded to the column's precision, stored as float32, never negative zero.</summary>
    private static float Record(double value, int decimals)
    {
        var recorded = (float)Math.Round(value, decimals, MidpointRounding.ToEven);
        return recorded == 0 ? 0f : recorded;
    }

    private static string EventId(int row) => (row + 1).ToString(CultureInfo.InvariantCulture);

    private static void WriteNumber(TextWriter writer, float value, Span<char> buffer)
    {
        // Shortest text that parses back to the same float, e.g. "45.12".
        value.TryFormat(buffer, out var written, provider: CultureInfo.InvariantCulture);
        writer.Write(buffer[..written]);
    }
}
