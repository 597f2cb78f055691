using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EnsembleFarm.Models.Data;

/// <summary>
/// Per-column standardisation z = (x − mean) / scale, fitted on the training part only so that no
/// information leaks from validation or test rows. A constant column gets scale 1 (it maps to 0).
/// </summary>
public sealed class Standardizer
{
    private readonly float[] _mean;
    private readonly float[] _scale;

    public Standardizer(IReadOnlyList<float> mean, IReadOnlyList<float> scale)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(scale);
        if (mean.Count == 0) throw new ArgumentException("A standardizer needs at least one column.", nameof(mean));
        if (mean.Count != scale.Count)
            throw new ArgumentException($"The standardizer has {mean.Count} means but {scale.Count} scales.", nameof(scale));
        for (var c = 0; c < mean.Count; c++)
        {
            if (!float.IsFinite(mean[c])) throw new ArgumentException($"Mean of column {c} is {mean[c]}; it must be finite.", nameof(mean));
            if (!(scale[c] > 0f && float.IsFinite(scale[c]))) throw new ArgumentException($"Scale of column {c} is {scale[c]}; it must be positive.", nameof(scale));
        }
        _mean = [.. mean];
        _scale = [.. scale];
    }

    public int Width => _mean.Length;
    public IReadOnlyList<float> Mean => _mean;

    /// <summary>The population standard deviation of each column (1 for constant columns).</summary>
    public IReadOnlyList<float> Scale => _scale;

    /// <summary>Fits mean and standard deviation on every row of <paramref name="data"/>; rejects non-finite features.</summary>
    /// <remarks>
    /// Two passes (sums, then sums of squared deviations) in double precision: the one-pass E[x²] − E[x]² loses
    /// every digit on a column with a large offset and a small spread. Each pass adds whole rows into per-column
    /// accumulators, so the order of additions, and with it every bit of the result, is the same on any machine.
    /// </remarks>
    public static Standardizer Fit(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Rows == 0) throw new ArgumentException("Cannot fit a standardizer on a dataset without rows.", nameof(data));
        var columns = data.Columns;
        var sum = new double[columns];
        for (var r = 0; r < data.Rows; r++) AddRow(data.Row(r), sum);
        // A NaN or an infinity always reaches its column's sum (finite floats cannot overflow a double sum), so
        // the rows are searched for it only when a sum says it is there.
        if (sum.Any(s => !double.IsFinite(s))) throw NonFiniteFeature(data);

        var meanAsDouble = new double[columns];
        TensorPrimitives.Divide(sum, data.Rows, meanAsDouble);
        var sumOfSquares = new double[columns];
        for (var r = 0; r < data.Rows; r++) AddSquaredDeviations(data.Row(r), meanAsDouble, sumOfSquares);

        var mean = new float[columns];
        var scale = new float[columns];
        for (var c = 0; c < columns; c++)
        {
            mean[c] = (float)meanAsDouble[c];
            var std = (float)Math.Sqrt(sumOfSquares[c] / data.Rows);
            scale[c] = std > 0f && float.IsFinite(std) ? std : 1f;
        }
        return new Standardizer(mean, scale);
    }

    /// <summary>sum[c] += row[c], widened to double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddRow(ReadOnlySpan<float> row, Span<double> sum)
    {
        ref var x = ref MemoryMarshal.GetReference(row);
        ref var total = ref MemoryMarshal.GetReference(sum);
        var c = 0;
        for (; c <= row.Length - Vector512<float>.Count; c += Vector512<float>.Count)
        {
            var (lower, upper) = Vector512.Widen(Vector512.LoadUnsafe(ref x, (nuint)c));
            (Vector512.LoadUnsafe(ref total, (nuint)c) + lower).StoreUnsafe(ref total, (nuint)c);
            (Vector512.LoadUnsafe(ref total, (nuint)(c + Vector512<double>.Count)) + upper).StoreUnsafe(ref total, (nuint)(c + Vector512<double>.Count));
        }
        for (; c < row.Length; c++) sum[c] += row[c];
    }

    /// <summary>squares[c] += (row[c] − mean[c])², in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddSquaredDeviations(ReadOnlySpan<float> row, ReadOnlySpan<double> mean, Span<double> squares)
    {
        ref var x = ref MemoryMarshal.GetReference(row);
        ref var mu = ref MemoryMarshal.GetReference(mean);
        ref var total = ref MemoryMarshal.GetReference(squares);
        var c = 0;
        for (; c <= row.Length - Vector512<float>.Count; c += Vector512<float>.Count)
        {
            var (lower, upper) = Vector512.Widen(Vector512.LoadUnsafe(ref x, (nuint)c));
            var high = (nuint)(c + Vector512<double>.Count);
            var deviationLow = lower - Vector512.LoadUnsafe(ref mu, (nuint)c);
            var deviationHigh = upper - Vector512.LoadUnsafe(ref mu, high);
            (Vector512.LoadUnsafe(ref total, (nuint)c) + deviationLow * deviationLow).StoreUnsafe(ref total, (nuint)c);
            (Vector512.LoadUnsafe(ref total, high) + deviationHigh * deviationHigh).StoreUnsafe(ref total, high);
        }
        for (; c < row.Length; c++)
        {
            var deviation = row[c] - mean[c];
            squares[c] += deviation * deviation;
        }
    }

    private static ArgumentException NonFiniteFeature(Dataset data)
    {
        for (var r = 0; r < data.Rows; r++)
        {
            var row = data.Row(r);
            for (var c = 0; c < row.Length; c++)
                if (!float.IsFinite(row[c]))
                    return new ArgumentException($"Feature '{data.FeatureNames[c]}' (column {c}) of row {r} is {row[c]}; features must be finite.", nameof(data));
        }
        throw new UnreachableException("A column sum was not finite, yet every feature is.");
    }

    /// <summary>Standardises <paramref name="rows"/> rows of raw features into <paramref name="destination"/>.</summary>
    public void Transform(ReadOnlySpan<float> features, Span<float> destination, int rows)
    {
        var width = Width;
        if (features.Length < rows * width)
            throw new ArgumentException($"Expected {rows} rows of {width} features ({rows * width} values), got {features.Length}.", nameof(features));
        for (var r = 0; r < rows; r++)
        {
            var target = destination.Slice(r * width, width);
            TensorPrimitives.Subtract(features.Slice(r * width, width), _mean, target);
            TensorPrimitives.Divide(target, _scale, target);
        }
    }
}
