using System.Numerics.Tensors;

namespace EnsembleFarm.Models.Nn;

/// <summary>
/// The random draws behind <see cref="Initialization"/>. Every value comes from the caller's <see cref="Rng"/>, in
/// a fixed order, so a seed gives the same starting weights on every machine.
/// </summary>
internal static class WeightDraws
{
    /// <summary>Fills <paramref name="values"/> uniformly in [−bound, bound).</summary>
    public static void Uniform(Span<float> values, float bound, Rng rng)
    {
        // This exact float expression is what the farm drew before issue 10; HeXavierUniform reproduces those weights bit for bit.
        for (var i = 0; i < values.Length; i++) values[i] = (2f * rng.NextSingle() - 1f) * bound;
    }

    /// <summary>Fills <paramref name="values"/> with N(0, std²) deviates.</summary>
    public static void Normal(Span<float> values, double std, Rng rng)
    {
        for (var i = 0; i < values.Length; i++) values[i] = (float)(rng.NextGaussian() * std);
    }

    /// <summary>
    /// Fills the row-major [<paramref name="rows"/> × <paramref name="columns"/>] <paramref name="weights"/> with a
    /// uniformly random (Haar) orthogonal matrix, as PyTorch's <c>orthogonal_</c> does: Q of the QR decomposition of a
    /// Gaussian matrix G (of Gᵀ when the matrix is wide), with the signs that make R's diagonal positive. So the rows
    /// are orthonormal when rows ≤ columns, the columns otherwise.
    /// </summary>
    public static void Orthogonal(Span<float> weights, int rows, int columns, Rng rng)
    {
        var gaussian = new double[rows * columns];
        for (var i = 0; i < gaussian.Length; i++) gaussian[i] = rng.NextGaussian();

        // Gram–Schmidt runs on the k = min(rows, columns) vectors of length n = max(rows, columns) that become
        // orthonormal: G's columns when tall, G's rows when wide (Gᵀ's columns). Stored one after another.
        var tall = rows >= columns;
        var (n, k) = tall ? (rows, columns) : (columns, rows);
        var basis = tall ? Transpose(gaussian, rows, columns) : gaussian;
        for (var j = 0; j < k; j++)
        {
            var v = basis.AsSpan(j * n, n);
            // Modified Gram–Schmidt in double: each projection uses the vector as already reduced, which keeps the
            // result orthogonal to ~1e-13 for these well-conditioned matrices, far below float32's resolution.
            for (var i = 0; i < j; i++)
            {
                var q = basis.AsSpan(i * n, n);
                TensorPrimitives.MultiplyAdd(q, -TensorPrimitives.Dot<double>(q, v), v, v);
            }
            // Dividing by the positive norm is the sign correction: R's diagonal entry is this norm, so it is positive.
            TensorPrimitives.Divide(v, TensorPrimitives.Norm<double>(v), v);
        }

        var orthonormal = tall ? Transpose(basis, columns, rows) : basis;
        for (var i = 0; i < weights.Length; i++) weights[i] = (float)orthonormal[i];
    }

    private static double[] Transpose(double[] matrix, int rows, int columns)
    {
        var transposed = new double[matrix.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++) transposed[c * rows + r] = matrix[r * columns + c];
        }
        return transposed;
    }
}
