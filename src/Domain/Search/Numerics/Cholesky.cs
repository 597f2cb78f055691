namespace EnsembleFarm.Domain.Search;

/// <summary>
/// The Cholesky factor of a symmetric positive-definite matrix and the solves the Gaussian process needs.
/// A matrix that is not numerically positive-definite gets a growing jitter on its diagonal.
/// </summary>
internal sealed class Cholesky
{
    private readonly double[] _l; // row-major lower triangle, n × n

    private Cholesky(double[] l, int n, double jitter)
    {
        _l = l;
        N = n;
        Jitter = jitter;
    }

    public int N { get; }

    /// <summary>What had to be added to the diagonal to factor the matrix (0 when nothing).</summary>
    public double Jitter { get; }

    /// <summary>Factors <paramref name="a"/> (row-major, n × n, only the lower triangle is read).</summary>
    public static Cholesky Factor(double[] a, int n)
    {
        var meanDiagonal = 0.0;
        for (var i = 0; i < n; i++) meanDiagonal += a[i * n + i];
        meanDiagonal = Math.Max(meanDiagonal / Math.Max(n, 1), 1e-300);
        var l = new double[n * n];
        var jitter = 0.0;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            if (TryFactor(a, n, jitter, l)) return new Cholesky(l, n, jitter);
            jitter = jitter == 0 ? 1e-10 * meanDiagonal : jitter * 10;
        }
        throw new InvalidOperationException("the matrix is not positive definite, even with jitter on its diagonal");
    }

    private static bool TryFactor(double[] a, int n, double jitter, double[] l)
    {
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var sum = a[i * n + j] + (i == j ? jitter : 0);
                for (var k = 0; k < j; k++) sum -= l[i * n + k] * l[j * n + k];
                if (i == j)
                {
                    if (!(sum > 0)) return false;
                    l[i * n + i] = Math.Sqrt(sum);
                }
                else
                {
                    l[i * n + j] = sum / l[j * n + j];
                }
            }
        }
        return true;
    }

    /// <summary>log det A = 2 Σ log Lᵢᵢ.</summary>
    public double LogDeterminant()
    {
        var sum = 0.0;
        for (var i = 0; i < N; i++) sum += Math.Log(_l[i * N + i]);
        return 2 * sum;
    }

    /// <summary>Solves L·x = b in place.</summary>
    public void SolveLower(Span<double> b)
    {
        for (var i = 0; i < N; i++)
        {
            var sum = b[i];
            for (var k = 0; k < i; k++) sum -= _l[i * N + k] * b[k];
            b[i] = sum / _l[i * N + i];
        }
    }

    /// <summary>Solves Lᵀ·x = b in place.</summary>
    public void SolveUpper(Span<double> b)
    {
        for (var i = N - 1; i >= 0; i--)
        {
            var sum = b[i];
            for (var k = i + 1; k < N; k++) sum -= _l[k * N + i] * b[k];
            b[i] = sum / _l[i * N + i];
        }
    }

    /// <summary>Solves A·x = b in place.</summary>
    public void Solve(Span<double> b)
    {
        SolveLower(b);
        SolveUpper(b);
    }

    /// <summary>A⁻¹ = L⁻ᵀ·L⁻¹, row-major (about n³/3 multiply-adds, using the triangles).</summary>
    public double[] Inverse()
    {
        var n = N;
        // Rows of L⁻¹ are stored transposed: column j of L⁻¹ is lInvT[j*n ..], non-zero from index j on.
        var lInvT = new double[n * n];
        for (var j = 0; j < n; j++)
        {
            var col = lInvT.AsSpan(j * n, n);
            col[j] = 1 / _l[j * n + j];
            for (var i = j + 1; i < n; i++)
            {
                var sum = 0.0;
                var row = _l.AsSpan(i * n, i);
                for (var k = j; k < i; k++) sum -= row[k] * col[k];
                col[i] = sum / _l[i * n + i];
            }
        }
        // (A⁻¹)ᵢⱼ = Σₖ (L⁻¹)ₖᵢ (L⁻¹)ₖⱼ over k ≥ max(i, j).
        var inverse = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            var ci = lInvT.AsSpan(i * n, n);
            for (var j = 0; j <= i; j++)
            {
                var cj = lInvT.AsSpan(j * n, n);
                var sum = 0.0;
                for (var k = i; k < n; k++) sum += ci[k] * cj[k];
                inverse[i * n + j] = sum;
                inverse[j * n + i] = sum;
            }
        }
        return inverse;
    }
}
