using EnsembleFarm.Models.Data;
using Xunit;

namespace EnsembleFarm.Models.Tests.Data;

public class StandardizerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(37)] // two full vectors of 16 floats and a tail of 5
    public void Fit_gives_the_bits_of_a_row_by_row_scalar_two_pass_fit(int columns)
    {
        var data = OffsetColumns(rows: 53, columns, seed: 5);

        var standardizer = Standardizer.Fit(data);

        var (mean, scale) = ScalarTwoPassFit(data);
        Assert.Equal(mean, standardizer.Mean);
        Assert.Equal(scale, standardizer.Scale);
    }

    [Fact]
    public void A_column_far_from_zero_with_a_small_spread_keeps_its_spread()
    {
        // 1e4 ± 0.5: the one-pass E[x²] − E[x]² would cancel to noise in float and lose digits in double.
        float[] features = [10000.5f, 9999.5f, 10000.5f, 9999.5f];
        var data = new Dataset(["energy"], features, ["y"], [0f, 1f, 0f, 1f], TaskKind.Binary, 2);

        var standardizer = Standardizer.Fit(data);

        Assert.Equal(10000f, standardizer.Mean[0]);
        Assert.Equal(0.5f, standardizer.Scale[0]);
    }

    [Fact]
    public void A_constant_column_gets_scale_1_and_maps_to_0()
    {
        var data = new Dataset(["flat", "x"], [3f, 1f, 3f, 2f, 3f, 3f], ["y"], [0f, 1f, 0f], TaskKind.Binary, 2);
        var standardizer = Standardizer.Fit(data);
        var standardized = new float[data.Features.Length];

        standardizer.Transform(data.Features, standardized, data.Rows);

        Assert.Equal(1f, standardizer.Scale[0]);
        Assert.All([standardized[0], standardized[2], standardized[4]], z => Assert.Equal(0f, z));
    }

    [Theory]
    [InlineData(float.NaN, 2, 0)]
    [InlineData(float.PositiveInfinity, 5, 36)] // in the scalar tail after the vectors
    [InlineData(float.NegativeInfinity, 0, 17)]
    public void A_non_finite_feature_is_named_by_feature_column_and_row(float bad, int row, int column)
    {
        var data = OffsetColumns(rows: 8, columns: 37, seed: 2);
        data.Features[row * data.Columns + column] = bad;

        var e = Assert.Throws<ArgumentException>(() => Standardizer.Fit(data));

        Assert.StartsWith($"Feature 'x{column}' (column {column}) of row {row} is {bad}; features must be finite.", e.Message);
    }

    [Fact]
    public void Transform_refuses_fewer_values_than_the_rows_need()
    {
        var standardizer = new Standardizer([0f, 0f], [1f, 1f]);

        var e = Assert.Throws<ArgumentException>(() => standardizer.Transform(new float[3], new float[4], rows: 2));

        Assert.StartsWith("Expected 2 rows of 2 features (4 values), got 3.", e.Message);
    }

    private static Dataset OffsetColumns(int rows, int columns, ulong seed)
    {
        var rng = new Rng(seed);
        var features = new float[rows * columns];
        for (var i = 0; i < features.Length; i++) features[i] = 100f * (i % columns) + (float)rng.NextDouble();
        return new Dataset([.. Enumerable.Range(0, columns).Select(c => $"x{c}")], features, ["y"], new float[rows],
            TaskKind.Regression, 0);
    }

    private static (float[] Mean, float[] Scale) ScalarTwoPassFit(Dataset data)
    {
        var mean = new float[data.Columns];
        var scale = new float[data.Columns];
        for (var c = 0; c < data.Columns; c++)
        {
            var sum = 0.0;
            for (var r = 0; r < data.Rows; r++) sum += data.Row(r)[c];
            var average = sum / data.Rows;
            var squares = 0.0;
            for (var r = 0; r < data.Rows; r++) squares += (data.Row(r)[c] - average) * (data.Row(r)[c] - average);
            mean[c] = (float)average;
            var std = (float)Math.Sqrt(squares / data.Rows);
            scale[c] = std > 0f ? std : 1f;
        }
        return (mean, scale);
    }
}
