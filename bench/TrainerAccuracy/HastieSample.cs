using System.Globalization;
using EnsembleFarm.Models;

namespace EnsembleFarm.TrainerAccuracy;

/// <summary>
/// The second data set of the comparison: Hastie, Tibshirani and Friedman's binary benchmark (The Elements of Statistical
/// Learning, eq. 10.2; scikit-learn's <c>make_hastie_10_2</c>): ten independent standard normal features, and
/// y = 1 when Σ xⱼ² &gt; 9.34, the median of χ²₁₀, so the classes are balanced. Its boundary is a sphere, which no
/// linear model finds and a small relu network learns only approximately: member quality depends on training, which is
/// what the comparison measures. Ten features, as in the issue's 10-64-64-1 networks. Drawn with the farm's
/// <see cref="Rng"/>, so a seed gives the same file everywhere.
/// </summary>
internal static class HastieSample
{
    private const int Features = 10;
    private const double Threshold = 9.34;

    public static void Write(TextWriter writer, int rows, ulong seed)
    {
        var rng = new Rng(seed);
        writer.Write("id");
        for (var j = 1; j <= Features; j++) writer.Write($",x{j}");
        writer.Write(",y\n");
        var x = new float[Features];
        for (var r = 0; r < rows; r++)
        {
            var squares = 0.0;
            for (var j = 0; j < Features; j++)
            {
                // The label is computed from the recorded float32 values, so the file's rows are exactly separable by it.
                x[j] = (float)rng.NextGaussian();
                squares += (double)x[j] * x[j];
            }
            writer.Write((r + 1).ToString(CultureInfo.InvariantCulture));
            foreach (var value in x) writer.Write("," + value.ToString("R", CultureInfo.InvariantCulture));
            writer.Write(squares > Threshold ? ",1\n" : ",0\n");
        }
    }
}
