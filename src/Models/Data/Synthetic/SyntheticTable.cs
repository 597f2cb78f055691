using System.Globalization;

namespace EnsembleFarm.Models.Data.Synthetic;

/// <summary>
/// Turns an <see cref="IEventSource"/> into a data set, in memory or as CSV text: an id column (1, 2, ...) first, the
/// features, the target last. Every value is recorded at its column's precision as float32, so the CSV text (LF line
/// ends, invariant culture, the shortest text of each float) reads back bit for bit.
/// </summary>
internal static class SyntheticTable
{
    public static Dataset Generate(IEventSource source, int rows, TaskKind task, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        var width = source.FeatureNames.Count;
        var features = new float[rows * width];
        var targets = new float[rows];
        var ids = new string[rows];
        var raw = new double[width];
        for (var r = 0; r < rows; r++)
        {
            targets[r] = Record(source.Next(raw), source.TargetDecimals);
            for (var j = 0; j < width; j++) features[r * width + j] = Record(raw[j], source.FeatureDecimals[j]);
            ids[r] = RowId(r);
        }
        return new Dataset(source.FeatureNames, features, [source.TargetName], targets, task, classCount, ids);
    }

    public static void Write(TextWriter writer, IEventSource source, int rows, string idColumn)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        var width = source.FeatureNames.Count;
        writer.Write(idColumn);
        foreach (var name in source.FeatureNames) writer.Write($",{name}");
        writer.Write($",{source.TargetName}\n");

        var raw = new double[width];
        Span<char> number = stackalloc char[32];
        for (var r = 0; r < rows; r++)
        {
            var target = Record(source.Next(raw), source.TargetDecimals);
            writer.Write(RowId(r));
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

    /// <summary>The value as recorded: rounded to the column's precision, stored as float32, never negative zero.</summary>
    private static float Record(double value, int decimals)
    {
        var recorded = (float)Math.Round(value, decimals, MidpointRounding.ToEven);
        return recorded == 0 ? 0f : recorded;
    }

    private static string RowId(int row) => (row + 1).ToString(CultureInfo.InvariantCulture);

    private static void WriteNumber(TextWriter writer, float value, Span<char> buffer)
    {
        // Shortest text that parses back to the same float, e.g. "45.12".
        value.TryFormat(buffer, out var written, provider: CultureInfo.InvariantCulture);
        writer.Write(buffer[..written]);
    }
}
