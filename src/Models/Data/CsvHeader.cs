namespace EnsembleFarm.Models.Data;

/// <summary>
/// A CSV file's header record: trimmed column names, each non-empty and unique, so that every reader of the farm's
/// CSV files finds columns by the same rules and refuses a bad header with the same words.
/// </summary>
internal sealed class CsvHeader
{
    private readonly Dictionary<string, int> _indexOf;

    private CsvHeader(string[] names, Dictionary<string, int> indexOf, int line)
    {
        Names = names;
        _indexOf = indexOf;
        Line = line;
    }

    public IReadOnlyList<string> Names { get; }

    /// <summary>The 1-based line the header starts on.</summary>
    public int Line { get; }

    public int Width => Names.Count;

    /// <summary>Reads the first record as the header.</summary>
    /// <exception cref="DataFormatException">The text is empty, or a header cell is empty or repeated.</exception>
    public static CsvHeader Read(CsvRecordReader records, string source)
    {
        if (!records.ReadRecord())
            throw new DataFormatException(source, null, null, "the file is empty; expected a header row followed by data rows");
        var names = new string[records.FieldCount];
        var indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            var name = records.Field(i).Trim().ToString();
            if (name.Length == 0) throw new DataFormatException(source, records.Line, null, $"header cell {i + 1} is empty; every column needs a name");
            if (!indexOf.TryAdd(name, i))
                throw new DataFormatException(source, records.Line, name, $"the header names this column twice (cells {indexOf[name] + 1} and {i + 1})");
            names[i] = name;
        }
        return new CsvHeader(names, indexOf, records.Line);
    }

    /// <summary>The 0-based cell of <paramref name="column"/>, or -1 when the header lacks it.</summary>
    public int IndexOf(string column) => _indexOf.GetValueOrDefault(column, -1);
}
