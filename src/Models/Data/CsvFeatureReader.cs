namespace EnsembleFarm.Models.Data;

/// <summary>
/// Streams the feature columns a trained model needs from a CSV file with a header, batch by batch, for predictions on
/// new rows (the format of docs/data.md). Columns are found by header name. Every model feature must be present, and the
/// features must stand in the order the model was trained with relative to each other: a file whose feature columns come
/// in another order was exported by another path than the training data, which is worth a look before trusting its
/// numbers, so it is refused with the order to use rather than silently rearranged. Other columns (an id, the target,
/// notes) may stand anywhere and are not parsed. Cells are read as by <see cref="CsvDataset"/>: empty cells, NaN,
/// infinity and text are refused with a <see cref="DataFormatException"/> naming the line and column.
/// </summary>
public sealed class CsvFeatureReader
{
    private readonly CsvRecordReader _records;
    private readonly string _source;
    private readonly int _headerWidth;
    private readonly int[] _featureCells;
    private readonly int _idCell;

    /// <summary>Reads and checks the header.</summary>
    /// <param name="featureNames">The model's feature columns, in its input order.</param>
    /// <param name="idColumn">A column whose text is handed back with each row when the header has it; null for none.</param>
    /// <exception cref="DataFormatException">The file is empty, the header is malformed, a feature is missing or out of order.</exception>
    public CsvFeatureReader(TextReader reader, string sourceName, IReadOnlyList<string> featureNames, string? idColumn = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(featureNames);
        if (featureNames.Count == 0) throw new ArgumentException("A model has at least one feature.", nameof(featureNames));
        _records = new CsvRecordReader(reader, sourceName);
        _source = sourceName;
        var header = CsvHeader.Read(_records, sourceName);
        _headerWidth = header.Width;
        _featureCells = FindFeatures(header, featureNames, sourceName);
        _idCell = idColumn is null ? -1 : header.IndexOf(idColumn);
        FeatureNames = [.. featureNames];
    }

    /// <summary>The features each row is read into, in this order.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Whether rows come with the id column's text.</summary>
    public bool HasIds => _idCell >= 0;

    /// <summary>Data rows read so far.</summary>
    public int RowsRead { get; private set; }

    /// <summary>
    /// Reads the next rows, as many as <paramref name="features"/> holds (rows × features, row-major, raw values) or up
    /// to the end of the file, with their ids in <paramref name="ids"/> when <see cref="HasIds"/> (else pass an empty span).
    /// Returns the number of rows read: 0 at the end.
    /// </summary>
    /// <exception cref="DataFormatException">A row has the wrong number of cells or a feature cell that is not a finite number; the file has no data rows.</exception>
    public int ReadBatch(Span<float> features, Span<string> ids)
    {
        var width = _featureCells.Length;
        var capacity = features.Length / width;
        if (capacity == 0) throw new ArgumentException($"Room for at least one row of {width} features is needed.", nameof(features));
        if (HasIds && ids.Length < capacity)
            throw new ArgumentException($"Room for {capacity} ids is needed, got {ids.Length}.", nameof(ids));
        var rows = 0;
        while (rows < capacity && _records.ReadRecord())
        {
            ReadRow(features.Slice(rows * width, width));
            if (HasIds) ids[rows] = _records.Field(_idCell).Trim().ToString();
            rows++;
        }
        if (rows == 0 && RowsRead == 0) throw new DataFormatException(_source, null, null, "the file has a header but no data rows");
        RowsRead += rows;
        return rows;
    }

    private void ReadRow(Span<float> row)
    {
        if (_records.FieldCount != _headerWidth)
            throw new DataFormatException(_source, _records.Line, null, $"expected {_headerWidth} cells as in the header, found {_records.FieldCount}");
        for (var j = 0; j < row.Length; j++) row[j] = CsvCell.ParseFinite(_records, _featureCells[j], FeatureNames[j], _source);
    }

    private static int[] FindFeatures(CsvHeader header, IReadOnlyList<string> featureNames, string source)
    {
        var training = string.Join(", ", featureNames);
        var cells = featureNames.Select(header.IndexOf).ToArray();
        var missing = featureNames.Where((_, j) => cells[j] < 0).ToArray();
        if (missing.Length > 0)
        {
            var listed = string.Join(", ", missing.Select(name => $"'{name}'"));
            throw new DataFormatException(source, header.Line, missing.Length == 1 ? missing[0] : null,
                (missing.Length == 1 ? $"the model's feature column {listed} is" : $"the model's feature columns {listed} are")
                + $" not in the header; the model was trained on: {training}");
        }
        for (var j = 1; j < cells.Length; j++)
        {
            if (cells[j] < cells[j - 1])
            {
                throw new DataFormatException(source, header.Line, featureNames[j],
                    $"this feature column stands before '{featureNames[j - 1]}', but the model was trained with it after; "
                    + $"put the feature columns in the training order: {training}");
            }
        }
        return cells;
    }
}
