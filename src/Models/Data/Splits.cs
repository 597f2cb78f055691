using System.Runtime.InteropServices;

namespace EnsembleFarm.Models.Data;

/// <summary>
/// Partitions of row indices 0..rows−1, deterministic from a seed through <see cref="Rng"/> (so the same seed gives
/// the same split on every machine). Every part is sorted ascending, so reading the selected rows walks memory
/// forwards and two splits can be compared element by element.
/// </summary>
public static class Splits
{
    /// <summary>
    /// A random split: <c>Second</c> gets round(rows·<paramref name="secondFraction"/>) rows (half away from zero),
    /// kept between 1 and rows − 1 so neither part is empty; <c>First</c> gets the rest.
    /// </summary>
    public static (int[] First, int[] Second) Random(int rows, double secondFraction, ulong seed)
    {
        var secondCount = SecondCount(rows, secondFraction);
        var order = Permutation(rows, new Rng(seed));
        return Partition(first: order.AsSpan(secondCount), second: order.AsSpan(0, secondCount));
    }

    /// <summary>
    /// A split that keeps each class's share in both parts. <paramref name="labels"/> holds one class per row
    /// (any finite value names a class). The size of <c>Second</c> is the same as <see cref="Random"/>'s; it is
    /// shared among the classes by the largest-remainder rule: each class first gets ⌊n_c·total/rows⌋ rows, then
    /// the rows still missing go one each to the classes with the largest fractional parts (the lower class value
    /// first on equal parts). So per-class counts are within one row of the exact proportion and add up exactly.
    /// </summary>
    public static (int[] First, int[] Second) Stratified(ReadOnlySpan<float> labels, double secondFraction, ulong seed)
    {
        var secondCount = SecondCount(labels.Length, secondFraction);
        var classes = RowsByClass(labels);
        var quotas = LargestRemainderQuotas(classes, secondCount, labels.Length);
        var rng = new Rng(seed);
        var first = new List<int>(labels.Length - secondCount);
        var second = new List<int>(secondCount);
        for (var c = 0; c < classes.Count; c++)
        {
            var members = classes[c];
            rng.Shuffle(members.AsSpan());
            second.AddRange(members.AsSpan(0, quotas[c]));
            first.AddRange(members.AsSpan(quotas[c]));
        }
        return Partition(CollectionsMarshal.AsSpan(first), CollectionsMarshal.AsSpan(second));
    }

    /// <summary>
    /// K-fold cross-validation: the rows are shuffled once and cut into <paramref name="folds"/> validation parts whose
    /// sizes differ by at most one; fold k trains on every row outside its part.
    /// </summary>
    public static IReadOnlyList<(int[] Train, int[] Validation)> KFold(int rows, int folds, ulong seed)
    {
        ValidateFolds(rows, folds);
        var order = Permutation(rows, new Rng(seed));
        var foldOf = new int[rows];
        for (var f = 0; f < folds; f++)
        {
            var start = (int)((long)f * rows / folds);
            var end = (int)((long)(f + 1) * rows / folds);
            for (var i = start; i < end; i++) foldOf[order[i]] = f;
        }
        return FoldsFromAssignment(foldOf, folds);
    }

    /// <summary>
    /// Stratified k-fold: each class's rows are shuffled and dealt to the folds in turn, the deal continuing from
    /// fold to fold across classes, so every fold holds each class to within one row and fold sizes differ by at
    /// most one. A class with fewer rows than folds is missing from some validation parts.
    /// </summary>
    public static IReadOnlyList<(int[] Train, int[] Validation)> StratifiedKFold(ReadOnlySpan<float> labels, int folds, ulong seed)
    {
        ValidateFolds(labels.Length, folds);
        var rng = new Rng(seed);
        var foldOf = new int[labels.Length];
        var next = 0;
        foreach (var members in RowsByClass(labels))
        {
            rng.Shuffle(members.AsSpan());
            foreach (var row in members)
            {
                foldOf[row] = next;
                next = (next + 1) % folds;
            }
        }
        return FoldsFromAssignment(foldOf, folds);
    }

    private static int SecondCount(int rows, double secondFraction)
    {
        if (rows < 2) throw new ArgumentException($"Splitting needs at least 2 rows, got {rows}.", nameof(rows));
        if (!(secondFraction > 0 && secondFraction < 1))
            throw new ArgumentException($"The split fraction must be strictly between 0 and 1, got {secondFraction}.", nameof(secondFraction));
        var count = (int)Math.Round(rows * secondFraction, MidpointRounding.AwayFromZero);
        return Math.Clamp(count, 1, rows - 1);
    }

    private static void ValidateFolds(int rows, int folds)
    {
        if (folds < 2) throw new ArgumentException($"K-fold needs at least 2 folds, got {folds}.", nameof(folds));
        if (folds > rows) throw new ArgumentException($"Cannot cut {rows} rows into {folds} non-empty folds.", nameof(folds));
    }

    private static int[] Permutation(int rows, Rng rng)
    {
        var order = new int[rows];
        for (var i = 0; i < rows; i++) order[i] = i;
        rng.Shuffle(order.AsSpan());
        return order;
    }

    /// <summary>The rows of each class, classes in ascending label order, rows ascending within a class.</summary>
    private static List<int[]> RowsByClass(ReadOnlySpan<float> labels)
    {
        var byClass = new SortedDictionary<float, List<int>>();
        for (var i = 0; i < labels.Length; i++)
        {
            var y = labels[i];
            if (!float.IsFinite(y)) throw new ArgumentException($"Label at row {i} is {y}; a class label must be finite.", nameof(labels));
            if (!byClass.TryGetValue(y, out var rows)) byClass[y] = rows = [];
            rows.Add(i);
        }
        return byClass.Values.Select(rows => rows.ToArray()).ToList();
    }

    private static int[] LargestRemainderQuotas(List<int[]> classes, int total, int rows)
    {
        var quotas = new int[classes.Count];
        var remainders = new (double Remainder, int Class)[classes.Count];
        var assigned = 0;
        for (var c = 0; c < classes.Count; c++)
        {
            var exact = (double)classes[c].Length * total / rows;
            quotas[c] = (int)Math.Floor(exact);
            remainders[c] = (exact - quotas[c], c);
            assigned += quotas[c];
        }
        // Largest remainder first; the lower class first on equal remainders.
        Array.Sort(remainders, (a, b) => a.Remainder != b.Remainder ? b.Remainder.CompareTo(a.Remainder) : a.Class.CompareTo(b.Class));
        for (var i = 0; assigned < total; i++, assigned++) quotas[remainders[i].Class]++;
        return quotas;
    }

    private static (int[] First, int[] Second) Partition(ReadOnlySpan<int> first, ReadOnlySpan<int> second)
    {
        var firstRows = first.ToArray();
        var secondRows = second.ToArray();
        Array.Sort(firstRows);
        Array.Sort(secondRows);
        return (firstRows, secondRows);
    }

    private static IReadOnlyList<(int[] Train, int[] Validation)> FoldsFromAssignment(int[] foldOf, int folds)
    {
        var result = new (int[] Train, int[] Validation)[folds];
        for (var f = 0; f < folds; f++)
        {
            var validation = new List<int>();
            var train = new List<int>();
            for (var row = 0; row < foldOf.Length; row++) (foldOf[row] == f ? validation : train).Add(row);
            result[f] = (train.ToArray(), validation.ToArray());
        }
        return result;
    }
}
