namespace EnsembleFarm.Domain.Statistics;

/// <summary>
/// A binary scorer's rows sorted by ascending score, prepared once for the ranking metrics of every resample. Each entry
/// packs the row index with three flags, so a pass over the order reads one int per row: whether the row is a positive,
/// whether it is the last (highest) of its group of tied scores, and whether it is the first.
/// </summary>
internal sealed class ScoreOrder
{
    public const int Positive = 1;
    public const int LastOfTie = 2;
    public const int FirstOfTie = 4;
    public const int RowShift = 3;

    private ScoreOrder(int[] entries) => Entries = entries;

    public int[] Entries { get; }

    /// <param name="labels">0/1 per row.</param>
    public static ScoreOrder Of(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        if (scores.Length != labels.Length) throw new ArgumentException($"{scores.Length} scores for {labels.Length} labels.", nameof(labels));
        if (scores.Length > int.MaxValue >> RowShift) throw new ArgumentException($"At most {int.MaxValue >> RowShift} rows can be ordered.", nameof(scores));
        var sorted = scores.ToArray();
        var rows = new int[scores.Length];
        for (var i = 0; i < rows.Length; i++) rows[i] = i;
        Array.Sort(sorted, rows);
        var entries = new int[rows.Length];
        for (var k = 0; k < rows.Length; k++)
        {
            var flags = labels[rows[k]] == 1f ? Positive : 0;
            if (k == rows.Length - 1 || sorted[k + 1] != sorted[k]) flags |= LastOfTie;
            if (k == 0 || sorted[k - 1] != sorted[k]) flags |= FirstOfTie;
            entries[k] = rows[k] << RowShift | flags;
        }
        return new ScoreOrder(entries);
    }
}
