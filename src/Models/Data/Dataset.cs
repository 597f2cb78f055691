namespace EnsembleFarm.Models.Data;

/// <summary>
/// A table of float32 features (row-major, <see cref="Rows"/> × <see cref="Columns"/>) with targets.
/// Classification targets are class indices (0/1 for binary, 0..K-1 for multi-class) stored as floats,
/// one per row; regression targets are <see cref="TargetWidth"/> values per row.
/// Instances are immutable by convention: nothing in the library writes into the arrays it is given.
/// </summary>
public sealed class Dataset
{
    public Dataset(
        IReadOnlyList<string> featureNames,
        float[] features,
        IReadOnlyList<string> targetNames,
        float[] targets,
        TaskKind task,
        int classCount,
        IReadOnlyList<string>? ids = null)
    {
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targetNames);
        ArgumentNullException.ThrowIfNull(targets);
        if (featureNames.Count == 0) throw new ArgumentException("A dataset needs at least one feature.", nameof(featureNames));
        if (targetNames.Count == 0) throw new ArgumentException("A dataset needs at least one target.", nameof(targetNames));
        if (task != TaskKind.Regression && targetNames.Count != 1)
            throw new ArgumentException("A classification dataset has exactly one target column.", nameof(targetNames));
        if (features.Length % featureNames.Count != 0)
            throw new ArgumentException("Feature array length is not a multiple of the column count.", nameof(features));
        var rows = features.Length / featureNames.Count;
        if (targets.Length != rows * targetNames.Count)
            throw new ArgumentException($"Expected {rows * targetNames.Count} targets for {rows} rows, got {targets.Length}.", nameof(targets));
        if (ids is not null && ids.Count != rows)
            throw new ArgumentException($"Expected {rows} ids, got {ids.Count}.", nameof(ids));
        if (task == TaskKind.Binary && classCount != 2)
            throw new ArgumentException("A binary dataset has two classes.", nameof(classCount));
        if (task == TaskKind.Multiclass && classCount < 2)
            throw new ArgumentException("A multi-class dataset has at least two classes.", nameof(classCount));

        FeatureNames = featureNames;
        Features = features;
        TargetNames = targetNames;
        Targets = targets;
        Task = task;
        ClassCount = task == TaskKind.Regression ? 0 : classCount;
        Ids = ids;
        Rows = rows;
    }

    public IReadOnlyList<string> FeatureNames { get; }
    public float[] Features { get; }
    public IReadOnlyList<string> TargetNames { get; }
    public float[] Targets { get; }
    public TaskKind Task { get; }

    /// <summary>2 for binary, K for multi-class, 0 for regression.</summary>
    public int ClassCount { get; }

    public IReadOnlyList<string>? Ids { get; }
    public int Rows { get; }
    public int Columns => FeatureNames.Count;
    public int TargetWidth => TargetNames.Count;

    public ReadOnlySpan<float> Row(int row) => Features.AsSpan(row * Columns, Columns);

    public ReadOnlySpan<float> Target(int row) => Targets.AsSpan(row * TargetWidth, TargetWidth);

    /// <summary>A new dataset holding the given rows, in the given order.</summary>
    public Dataset Select(ReadOnlySpan<int> rows)
    {
        var features = new float[rows.Length * Columns];
        var targets = new float[rows.Length * TargetWidth];
        string[]? ids = Ids is null ? null : new string[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            var r = rows[i];
            if ((uint)r >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(rows), $"Row {r} is outside 0..{Rows - 1}.");
            Row(r).CopyTo(features.AsSpan(i * Columns, Columns));
            Target(r).CopyTo(targets.AsSpan(i * TargetWidth, TargetWidth));
            if (ids is not null) ids[i] = Ids![r];
        }
        return new Dataset(FeatureNames, features, TargetNames, targets, Task, ClassCount == 0 ? 0 : ClassCount, ids);
    }
}
