namespace EnsembleFarm.Models.Data;

/// <summary>
/// How to turn a CSV file into a <see cref="Dataset"/>: which header columns are targets, which one (if any) holds row
/// ids, and which are features (null: every column that is neither a target nor the id, in file order).
/// A classification task takes exactly one target column; regression takes one or more.
/// </summary>
public sealed record CsvDatasetOptions(
    IReadOnlyList<string> TargetColumns,
    TaskKind Task,
    string? IdColumn = null,
    IReadOnlyList<string>? FeatureColumns = null);
