namespace EnsembleFarm.Models.Tensors;

/// <summary>
/// Single-precision matrix products on row-major, densely packed matrices: the three forms a dense
/// layer's forward and backward passes need. When <c>accumulate</c> is true the product is added to C.
/// <c>threads</c> is the most threads a call may use; for a given value the result is bit-identical run to run.
/// </summary>
public static class Gemm
{
    /// <summary>C[m×n] (+)= A[m×k] · B[k×n].</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false, int threads = 1)
    {
        if (!accumulate) c[..(m * n)].Clear();
        for (var i = 0; i < m; i++)
            for (var p = 0; p < k; p++)
            {
                var aip = a[i * k + p];
                for (var j = 0; j < n; j++) c[i * n + j] += aip * b[p * n + j];
            }
    }

    /// <summary>C[m×n] (+)= A[m×k] · Bᵀ, with B stored as [n×k].</summary>
    public static void MultiplyTransposeB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false, int threads = 1)
    {
        if (!accumulate) c[..(m * n)].Clear();
        for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
            {
                var sum = 0f;
                for (var p = 0; p < k; p++) sum += a[i * k + p] * b[j * k + p];
                c[i * n + j] += sum;
            }
    }

    /// <summary>C[m×n] (+)= Aᵀ · B, with A stored as [k×m] and B as [k×n].</summary>
    public static void MultiplyTransposeA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false, int threads = 1)
    {
        if (!accumulate) c[..(m * n)].Clear();
        for (var p = 0; p < k; p++)
            for (var i = 0; i < m; i++)
            {
                var api = a[p * m + i];
                for (var j = 0; j < n; j++) c[i * n + j] += api * b[p * n + j];
            }
    }
}
