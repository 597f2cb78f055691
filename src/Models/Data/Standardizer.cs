using System.Numerics.Tensors;

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
    public static Standardizer Fit(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Rows == 0) throw new ArgumentException("Cannot fit a standardizer on a dataset without rows.", nameof(data));
        var columns = data.Columns;
        var sum = new double[columns];
        var sumOfSquares = new double[columns];
        for (var r = 0; r < data.Rows; r++)
        {
            var row = data.Row(r);
            for (var c = 0; c < columns; c++)
            {
                double x = row[c];
                if (!double.IsFinite(x))
                    throw new ArgumentException($"Feature '{data.FeatureNames[c]}' (column {c}) of row {r} is {row[c]}; features must be finite.", nameof(data));
                sum[c] += x;
            }
        }
        var mean = new float[columns];
        for (var c = 0; c < columns; c++) mean[c] = (float)(sum[c] / data.Rows);
        for (var r = 0; r < data.Rows; r++)
        {
            var row = data.Row(r);
            for (var c = 0; c < columns; c++)
            {
                var centred = row[c] - sum[c] / data.Rows;
                sumOfSquares[c] += centred * centred;
            }
        }
        var scale = new float[columns];
        for (var c = 0; c < columns; c++)
        {
            var std = (float)Math.Sqrt(sumOfSquares[c] / data.Rows);
            scale[c] = std > 0f && float.IsFinite(std) ? std : 1f;
        }
        return new Standardizer(mean, scale);
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
