using EnsembleFarm.Domain.Statistics;
using EnsembleFarm.Models;

namespace EnsembleFarm.Domain.Aggregation;

/// <summary>The members' spread (<see cref="MemberSpread"/>) for every row, row-major, <see cref="Width"/> values per row.</summary>
internal sealed record SpreadColumns(float[] Std, float[]? Q16, float[]? Q84, int Width)
{
    /// <summary>The spread of all members' predictions; multi-class gets the standard deviations only.</summary>
    public static SpreadColumns Of(TaskKind task, MemberPredictions members)
    {
        var width = members.Width;
        var std = new float[members.Rows * width];
        var withQuantiles = task != TaskKind.Multiclass;
        var low = withQuantiles ? new float[std.Length] : null;
        var high = withQuantiles ? new float[std.Length] : null;
        var values = new double[members.Count];
        for (var row = 0; row < members.Rows; row++)
        {
            for (var c = 0; c < width; c++)
            {
                for (var m = 0; m < values.Length; m++) values[m] = members.Of(m, row)[c];
                var at = row * width + c;
                std[at] = StandardDeviation(values);
                if (!withQuantiles) continue;
                // A diverged member's NaN makes the spread unknown, as its standard deviation already says.
                var known = !float.IsNaN(std[at]);
                low![at] = known ? (float)Quantiles.LinearUnsorted(values, MemberSpread.LowQuantile) : float.NaN;
                high![at] = known ? (float)Quantiles.LinearUnsorted(values, MemberSpread.HighQuantile) : float.NaN;
            }
        }
        return new SpreadColumns(std, low, high, width);
    }

    public MemberSpread Row(int row) => new(Slice(Std, row)!, Slice(Q16, row), Slice(Q84, row));

    private float[]? Slice(float[]? values, int row) => values?.AsSpan(row * Width, Width).ToArray();

    /// <summary>Sample standard deviation (n − 1), two-pass in double; 0 for one value.</summary>
    private static float StandardDeviation(ReadOnlySpan<double> values)
    {
        if (values.Length < 2) return 0f;
        double sum = 0;
        foreach (var v in values) sum += v;
        var mean = sum / values.Length;
        double squares = 0;
        foreach (var v in values) squares += (v - mean) * (v - mean);
        return (float)Math.Sqrt(squares / (values.Length - 1));
    }
}
