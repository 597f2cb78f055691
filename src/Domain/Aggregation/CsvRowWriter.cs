using System.Globalization;

namespace EnsembleFarm.Domain.Aggregation;

/// <summary>
/// Writes CSV records cell by cell: text quoted as RFC 4180 asks (a field with a comma, quote or line break is quoted,
/// its quotes doubled), numbers in invariant culture and shortest round-trip form formatted into a reused buffer, so a
/// million rows of predictions allocate nothing per cell. Lines end with the writer's NewLine.
/// </summary>
internal sealed class CsvRowWriter(TextWriter writer)
{
    private readonly char[] _number = new char[64];
    private bool _inRow;

    /// <summary>The column names of a value that has <paramref name="width"/> parts: the name alone for one, else name_0, name_1, …</summary>
    public static IEnumerable<string> Columns(string name, int width) =>
        width == 1 ? [name] : Enumerable.Range(0, width).Select(k => $"{name}_{k}");

    public void Text(string text)
    {
        Separate();
        if (text.AsSpan().IndexOfAny(",\"\r\n") < 0) writer.Write(text);
        else writer.Write($"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"");
    }

    public void Integer(int value)
    {
        Separate();
        value.TryFormat(_number, out var length, default, CultureInfo.InvariantCulture);
        writer.Write(_number, 0, length);
    }

    public void Numbers(ReadOnlySpan<float> values)
    {
        foreach (var value in values)
        {
            Separate();
            value.TryFormat(_number, out var length, default, CultureInfo.InvariantCulture);
            writer.Write(_number, 0, length);
        }
    }

    public void EndRow()
    {
        writer.WriteLine();
        _inRow = false;
    }

    private void Separate()
    {
        if (_inRow) writer.Write(',');
        _inRow = true;
    }
}
