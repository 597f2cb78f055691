using System.Runtime.CompilerServices;

namespace EnsembleFarm.Models.Data;

/// <summary>
/// Reads a CSV file into a <see cref="Dataset"/>. The first record is the header; every later record is a row with
/// exactly as many cells. Feature and target cells are numbers in invariant culture ("1.5", "-2e-3"); NaN, infinity,
/// empty cells and anything else are refused with a <see cref="DataFormatException"/> that names the line and column.
/// Targets: binary 0 or 1; multi-class the class indices 0..K−1, every one present; regression any finite number.
/// Columns that are neither features, targets nor the id are not read. See docs/data.md for the user-facing format.
/// </summary>
public static class CsvDataset
{
    /// <summary>Refuses multi-class labels above this, since the class count is taken from the largest label.</summary>
    public const int MaxClasses = 65_536;

    /// <summary>Reads the file at <paramref name="path"/> (UTF-8, a byte-order mark is honoured); messages name the path as given.</summary>
    /// <exception cref="DataFormatException">The content does not fit the format or the options.</exception>
    /// <exception cref="IOException">The file cannot be opened (missing, unreadable, ...).</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to read the file, or the path is a folder.</exception>
    public static Dataset Read(string path, CsvDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true,
            new FileStreamOptions { Access = FileAccess.Read, Share = FileShare.Read, BufferSize = 1 << 16, Options = FileOptions.SequentialScan });
        return Parse(reader, options, path);
    }

    /// <summary>
    /// Reads the file once and parses exactly the bytes whose SHA-256 it returns. A campaign then pins the
    /// data it was planned on, and a silo trains on the data it checked, even if the file changes meanwhile.
    /// </summary>
    /// <exception cref="DataFormatException">The file is not a valid dataset for <paramref name="options"/>.</exception>
    /// <exception cref="IOException">The file cannot be opened (missing, unreadable, ...).</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to read the file, or the path is a folder.</exception>
    public static (Dataset Data, string Sha256) ReadPinned(string path, CsvDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = File.ReadAllBytes(path);
        using var reader = new StreamReader(new MemoryStream(bytes), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return (Parse(reader, options, path), DatasetFingerprint.Sha256(bytes));
    }

    /// <param name="sourceName">How error messages name the data (usually the file path).</param>
    public static Dataset Parse(TextReader reader, CsvDatasetOptions options, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        ValidateOptions(options);

        var records = new CsvRecordReader(reader, sourceName);
        var layout = ColumnLayout.FromHeader(CsvHeader.Read(records, sourceName), options, sourceName);
        var table = new TableBuilder(layout, options.Task, sourceName);
        while (records.ReadRecord()) table.AddRow(records);
        return table.Build();
    }

    private static void ValidateOptions(CsvDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.TargetColumns);
        if (options.TargetColumns.Count == 0) throw new ArgumentException("Name at least one target column.", nameof(options));
        if (options.Task != TaskKind.Regression && options.TargetColumns.Count != 1)
            throw new ArgumentException($"A {options.Task} task has exactly one target column, got {options.TargetColumns.Count}.", nameof(options));
        var named = new HashSet<string>(StringComparer.Ordinal);
        var roles = options.TargetColumns.Select(c => (Column: c, Role: "target"))
            .Concat(options.IdColumn is null ? [] : [(options.IdColumn, "id")])
            .Concat((options.FeatureColumns ?? []).Select(c => (Column: c, Role: "feature")));
        foreach (var (column, role) in roles)
        {
            if (string.IsNullOrWhiteSpace(column)) throw new ArgumentException($"A {role} column name is empty.", nameof(options));
            if (!named.Add(column))
                throw new ArgumentException($"Column '{column}' is named more than once among the target, id and feature columns.", nameof(options));
        }
    }

    /// <summary>Where each role's columns sit in the header.</summary>
    private sealed record ColumnLayout(
        int HeaderWidth, string[] FeatureNames, int[] FeatureIndices, string[] TargetNames, int[] TargetIndices, string? IdName, int IdIndex)
    {
        public static ColumnLayout FromHeader(CsvHeader header, CsvDatasetOptions options, string source)
        {
            var names = header.Names;

            int Find(string column, string role) => header.IndexOf(column) is var index and >= 0
                ? index
                : throw new DataFormatException(source, header.Line, column, $"the {role} column is not in the header (columns: {string.Join(", ", names)})");

            var targetIndices = options.TargetColumns.Select(c => Find(c, "target")).ToArray();
            var idIndex = options.IdColumn is null ? -1 : Find(options.IdColumn, "id");
            var featureIndices = options.FeatureColumns is null
                ? Enumerable.Range(0, names.Count).Where(i => i != idIndex && !targetIndices.Contains(i)).ToArray()
                : options.FeatureColumns.Select(c => Find(c, "feature")).ToArray();
            if (featureIndices.Length == 0)
                throw new DataFormatException(source, header.Line, null, "no feature columns are left besides the target and id columns");
            return new ColumnLayout(names.Count, featureIndices.Select(i => names[i]).ToArray(), featureIndices,
                targetIndices.Select(i => names[i]).ToArray(), targetIndices, options.IdColumn, idIndex);
        }
    }

    /// <summary>Accumulates parsed rows in growing flat arrays, then checks the targets as a whole.</summary>
    private sealed class TableBuilder(ColumnLayout layout, TaskKind task, string source)
    {
        private float[] _features = new float[1024 * layout.FeatureIndices.Length];
        private float[] _targets = new float[1024 * layout.TargetIndices.Length];
        private readonly List<string>? _ids = layout.IdIndex < 0 ? null : [];
        private readonly Dictionary<string, int>? _idLines = layout.IdIndex < 0 ? null : new(StringComparer.Ordinal);
        private int _rows;

        // Called once per row, usually in the only read of a file in the process: skip tier-0 code.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void AddRow(CsvRecordReader record)
        {
            if (record.FieldCount != layout.HeaderWidth)
                throw new DataFormatException(source, record.Line, null,
                    $"expected {layout.HeaderWidth} cells as in the header, found {record.FieldCount}");
            var featureWidth = layout.FeatureIndices.Length;
            var targetWidth = layout.TargetIndices.Length;
            if ((long)(_rows + 1) * Math.Max(featureWidth, targetWidth) > Array.MaxLength)
                throw new DataFormatException(source, record.Line, null, $"the data set has more cells than one array holds ({Array.MaxLength})");
            EnsureCapacity(ref _features, (_rows + 1) * featureWidth);
            EnsureCapacity(ref _targets, (_rows + 1) * targetWidth);

            for (var j = 0; j < featureWidth; j++)
                _features[_rows * featureWidth + j] = CsvCell.ParseFinite(record, layout.FeatureIndices[j], layout.FeatureNames[j], source);
            for (var j = 0; j < targetWidth; j++)
                _targets[_rows * targetWidth + j] = ParseTarget(record, layout.TargetIndices[j], layout.TargetNames[j]);
            if (_ids is not null) AddId(record);
            _rows++;
        }

        public Dataset Build()
        {
            if (_rows == 0) throw new DataFormatException(source, null, null, "the file has a header but no data rows");
            var features = _features.AsSpan(0, _rows * layout.FeatureIndices.Length).ToArray();
            var targets = _targets.AsSpan(0, _rows * layout.TargetIndices.Length).ToArray();
            var classCount = task switch
            {
                TaskKind.Binary => CheckClasses(targets, 2),
                TaskKind.Multiclass => CheckClasses(targets, (int)targets.Max() + 1),
                _ => 0,
            };
            return new Dataset(layout.FeatureNames, features, layout.TargetNames, targets, task, classCount, _ids);
        }

        private float ParseTarget(CsvRecordReader record, int index, string column)
        {
            var value = CsvCell.ParseFinite(record, index, column, source);
            switch (task)
            {
                case TaskKind.Binary when value is not (0f or 1f):
                    throw new DataFormatException(source, record.Line, column,
                        $"{CsvCell.Quote(record.Field(index))} is not a binary label; a binary target must be 0 or 1");
                case TaskKind.Multiclass when value < 0 || value != MathF.Floor(value) || value >= MaxClasses:
                    throw new DataFormatException(source, record.Line, column,
                        $"{CsvCell.Quote(record.Field(index))} is not a class index; a multi-class target must be an integer 0..{MaxClasses - 1}");
                default:
                    return value;
            }
        }

        private void AddId(CsvRecordReader record)
        {
            var id = record.Field(layout.IdIndex).Trim().ToString();
            var column = layout.IdName;
            if (id.Length == 0) throw new DataFormatException(source, record.Line, column, "the id is empty");
            if (!_idLines!.TryAdd(id, record.Line))
                throw new DataFormatException(source, record.Line, column, $"id {CsvCell.Quote(id)} already appears on line {_idLines[id]}");
            _ids!.Add(id);
        }

        /// <summary>A classifier needs every class 0..classes−1 in the data; the count comes from the labels seen.</summary>
        private int CheckClasses(float[] targets, int classes)
        {
            var column = layout.TargetNames[0];
            var counts = new int[classes];
            foreach (var y in targets) counts[(int)y]++;
            var present = counts.Count(n => n > 0);
            if (present == 1)
                throw new DataFormatException(source, null, column,
                    $"every row has class {Array.FindIndex(counts, n => n > 0)}; a classifier needs at least two classes");
            var missing = Enumerable.Range(0, classes).Where(c => counts[c] == 0).ToArray();
            if (missing.Length > 0)
            {
                var listed = string.Join(", ", missing.Take(10)) + (missing.Length > 10 ? ", ..." : "");
                throw new DataFormatException(source, null, column, $"classes are numbered 0..{classes - 1} (from the largest label), but " +
                    (missing.Length == 1 ? $"class {listed} never appears" : $"classes {listed} never appear"));
            }
            return classes;
        }

        private static void EnsureCapacity(ref float[] array, int needed)
        {
            if (needed > array.Length) Array.Resize(ref array, Math.Max(needed, array.Length * 2));
        }
    }
}
