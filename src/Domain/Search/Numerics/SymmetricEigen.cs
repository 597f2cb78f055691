namespace EnsembleFarm.Domain.Search;

/// <summary>
/// Eigenvalues and eigenvectors of a small symmetric matrix by cyclic Jacobi rotations: simple, stable,
/// and fast enough for CMA-ES's covariance (a few dozen dimensions at most).
/// </summary>
internal static class SymmetricEigen
{
    /// <param name="a">Row-major n × n; not modified.</param>
    /// <param name="values">The eigenvalues.</param>
    /// <param name="vectors">Row-major; column j is the eigenvector of values[j].</param>
    public static void Decompose(double[] a, int n, out double[] values, out double[] vectors)
    {
        var m = (double[])a.Clone();
        var v = new double[n * n];
        for (var i = 0; i < n; i++) v[i * n + i] = 1;
        for (var sweep = 0; sweep < 100; sweep++)
        {
            var off = 0.0;
            var scale = 0.0;
            for (var i = 0; i < n; i++)
            {
                scale += m[i * n + i] * m[i * n + i];
                for (var j = i + 1; j < n; j++) off += m[i * n + j] * m[i * n + j];
            }
            if (off <= 1e-30 * Math.Max(scale, 1e-300)) break;
            for (var p = 0; p < n; p++)
            {
                for (var q = p + 1; q < n; q++)
                {
                    var apq = m[p * n + q];
                    if (Math.Abs(apq) < 1e-300) continue;
                    var theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
                    var t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    var c = 1 / Math.Sqrt(t * t + 1);
                    var s = t * c;
                    for (var k = 0; k < n; k++)
                    {
                        var mkp = m[k * n + p];
                        var mkq = m[k * n + q];
                        m[k * n + p] = c * mkp - s * mkq;
                        m[k * n + q] = s * mkp + c * mkq;
                    }
                    for (var k = 0; k < n; k++)
                    {
                        var mpk = m[p * n + k];
                        var mqk = m[q * n + k];
                        m[p * n + k] = c * mpk - s * mqk;
                        m[q * n + k] = s * mpk + c * mqk;
                    }
                    for (var k = 0; k < n; k++)
                    {
                        var vkp = v[k * n + p];
                        var vkq = v[k * n + q];
                        v[k * n + p] = c * vkp - s * vkq;
                        v[k * n + q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        values = new double[n];
        for (var i = 0; i < n; i++) values[i] = m[i * n + i];
        vectors = v;
    }
}
