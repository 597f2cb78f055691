using EnsembleFarm.Models.Data;

namespace EnsembleFarm.Models.Tests.Training;

/// <summary>Small generated problems for trainer tests.</summary>
internal static class TrainingData
{
    /// <summary>A square wave of amplitude 1 with two periods on [0, 1): y = +1 on [0, ¼) and [½, ¾), −1 elsewhere.</summary>
    public static float SquareWave(float x) => (int)(x * 4) % 2 == 0 ? 1f : -1f;

    /// <summary>Evenly spaced x in [0, 1) with the square wave as regression target.</summary>
    public static Dataset SquareWaveGrid(int rows)
    {
        var x = new float[rows];
        var y = new float[rows];
        for (var i = 0; i < rows; i++)
        {
            x[i] = (i + 0.5f) / rows;
            y[i] = SquareWave(x[i]);
        }
        return new Dataset(["x"], x, ["y"], y, TaskKind.Regression, 0);
    }

    /// <summary>
    /// A non-linear binary problem: a point of the square [−1, 1]² is positive inside the ring
    /// 0.3 &lt; r &lt; 0.75, with two pure-noise features and 5% of the labels flipped.
    /// </summary>
    public static Dataset Ring(int rows, ulong seed)
    {
        var rng = new Rng(seed);
        var features = new float[rows * 4];
        var labels = new float[rows];
        for (var i = 0; i < rows; i++)
        {
            var a = 2f * rng.NextSingle() - 1f;
            var b = 2f * rng.NextSingle() - 1f;
            features[i * 4] = a;
            features[i * 4 + 1] = b;
            features[i * 4 + 2] = (float)rng.NextGaussian();
            features[i * 4 + 3] = 5f + 3f * rng.NextSingle();
            var radius = MathF.Sqrt(a * a + b * b);
            var inside = radius is > 0.3f and < 0.75f;
            labels[i] = inside ^ (rng.NextDouble() < 0.05) ? 1f : 0f;
        }
        return new Dataset(["a", "b", "noise", "offset"], features, ["ring"], labels, TaskKind.Binary, 2);
    }

    /// <summary>Three Gaussian blobs in 2-d, one per class.</summary>
    public static Dataset Blobs(int rows, ulong seed)
    {
        var rng = new Rng(seed);
        float[][] centres = [[0f, 2f], [2f, -1f], [-2f, -1f]];
        var features = new float[rows * 2];
        var labels = new float[rows];
        for (var i = 0; i < rows; i++)
        {
            var k = i % 3;
            features[i * 2] = centres[k][0] + 0.7f * (float)rng.NextGaussian();
            features[i * 2 + 1] = centres[k][1] + 0.7f * (float)rng.NextGaussian();
            labels[i] = k;
        }
        return new Dataset(["u", "v"], features, ["class"], labels, TaskKind.Multiclass, 3);
    }
}
