using EnsembleFarm.Domain.Search;
using EnsembleFarm.Models;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Search;

public class NumericsTests
{
    [Theory]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(2.0, 0.9953222650189527)]
    [InlineData(-1.5, -0.9661051464753108)]
    public void Erf_matches_reference_values(double x, double expected) =>
        Assert.Equal(expected, Normal.Erf(x), 1e-14);

    [Theory]
    [InlineData(1.0, 0.15729920705028513)]
    [InlineData(2.5, 4.069520174449590e-4)]
    [InlineData(3.0, 2.209049699858544e-5)]
    [InlineData(6.0, 2.151973671249892e-17)]
    [InlineData(10.0, 2.088487583762545e-45)]
    public void Erfc_keeps_its_relative_accuracy_in_the_tail(double x, double expected) =>
        Assert.Equal(1.0, Normal.Erfc(x) / expected, 1e-12);

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.3, 0.73459933456765515)]
    [InlineData(1.0, 0.427583576155807)]
    [InlineData(2.5, 0.21080636406114358)]
    [InlineData(2.6, 0.20361324735670921)]
    [InlineData(4.0, 0.13699945762506139)]
    [InlineData(7.0, 0.079800054329152933)]
    [InlineData(30.0, 0.018795888861416751)]
    [InlineData(1000.0, 0.00056418930145338765)]
    public void Erfcx_matches_reference_values_to_a_few_ulps_over_its_whole_range(double x, double expected) =>
        // References: mpmath at 40 digits. Both sides of the old 2.5 seam, and far into the tail.
        Assert.Equal(1.0, Normal.Erfcx(x) / expected, 2e-15);

    [Fact]
    public void Cdf_of_many_values_at_once_gives_the_single_values_bit_for_bit()
    {
        // Both signs, the centre, far tails, and a length that leaves a remainder after whole vectors.
        var z = Enumerable.Range(0, 203).Select(i => (i - 101) * 0.137 + (i % 3 == 0 ? 0 : 1e-3 * i)).Append(-40).Append(38).Append(0).ToArray();
        var batch = z.ToArray();

        Normal.Cdf(batch);

        for (var i = 0; i < z.Length; i++) Assert.Equal(BitConverter.DoubleToInt64Bits(Normal.Cdf(z[i])), BitConverter.DoubleToInt64Bits(batch[i]));
    }

    [Fact]
    public void Cdf_of_many_values_at_once_is_the_single_values_where_the_exponential_underflows()
    {
        // |z| around √(2·746) ≈ 38.63, where the batch stops calling exp: whole vectors past it on either side, vectors with
        // some lanes past it, and the last values on both sides of the edge.
        var edge = Math.Sqrt(2 * 746.0);
        double[] tail = [edge - 1e-9, edge, edge + 1e-9, 38.5, 38.7, 39, 45, 100, 1e6, 37, 30, 38.6, 38.65];
        var z = tail.Concat(tail.Select(t => -t)).Concat(Enumerable.Repeat(50.0, 16)).Concat(Enumerable.Repeat(-50.0, 16)).ToArray();
        var batch = z.ToArray();

        Normal.Cdf(batch);

        for (var i = 0; i < z.Length; i++) Assert.Equal(BitConverter.DoubleToInt64Bits(Normal.Cdf(z[i])), BitConverter.DoubleToInt64Bits(batch[i]));
        Assert.Equal(1.0, batch[Array.IndexOf(z, 100.0)]);
        Assert.Equal(0.0, batch[Array.IndexOf(z, -100.0)]);
    }

    [Theory]
    [InlineData(0.1, 0.8875370839817151)]
    [InlineData(0.3, 0.67137324054087258)]
    [InlineData(1.7, 0.016209541409225439)]
    public void Erfc_near_zero_agrees_with_one_minus_erf(double x, double expected)
    {
        Assert.Equal(1.0, Normal.Erfc(x) / expected, 1e-14);
        Assert.Equal(1 - Normal.Erf(x), Normal.Erfc(x), 1e-15);
    }

    [Fact]
    public void Log_cdf_and_log_h_stay_finite_and_ordered_where_the_plain_values_underflow()
    {
        Assert.Equal(Math.Log(Normal.Cdf(-3)), Normal.LogCdf(-3), 1e-12);
        // log Φ(−49) by its asymptotic series: −z²/2 − log|z| − ½ log 2π + log(1 − z⁻² + 3z⁻⁴ − 15z⁻⁶).
        var inv2 = 1 / 2401.0;
        Assert.Equal(-1200.5 - Math.Log(49) - 0.5 * Math.Log(2 * Math.PI) + Math.Log(1 - inv2 + 3 * inv2 * inv2 - 15 * inv2 * inv2 * inv2), Normal.LogCdf(-49), 1e-9);
        // h(z) = φ(z) + zΦ(z) directly, where it is representable.
        foreach (var z in new[] { 2.0, 0.0, -0.5, -1.0, -3.0, -8.0 })
            Assert.Equal(Math.Log(Normal.Pdf(z) + z * Normal.Cdf(z)), Normal.LogH(z), 1e-6);
        var previous = double.PositiveInfinity;
        foreach (var z in new[] { -5.0, -20, -39.9, -40, -40.1, -100, -1e3, -1e5 })
        {
            var value = Normal.LogH(z);
            Assert.True(double.IsFinite(value) && value < previous, $"log h({z}) = {value}");
            previous = value;
        }
        // Continuous across the switch to the asymptotic series.
        Assert.Equal(Normal.LogH(-39.999999), Normal.LogH(-40.000001), 1e-4);
    }

    [Fact]
    public void Cholesky_inverse_and_Jacobi_eigenvectors_reconstruct_their_matrix()
    {
        var rng = new Rng(3);
        const int n = 6;
        var b = Enumerable.Range(0, n * n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var a = new double[n * n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                for (var k = 0; k < n; k++) a[i * n + j] += b[i * n + k] * b[j * n + k];
                if (i == j) a[i * n + j] += 0.1;
            }

        var inverse = Cholesky.Factor(a, n).Inverse();
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                var sum = 0.0;
                for (var k = 0; k < n; k++) sum += a[i * n + k] * inverse[k * n + j];
                Assert.Equal(i == j ? 1 : 0, sum, 1e-9);
            }

        SymmetricEigen.Decompose(a, n, out var values, out var vectors);
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                var sum = 0.0;
                for (var k = 0; k < n; k++) sum += vectors[i * n + k] * values[k] * vectors[j * n + k];
                Assert.Equal(a[i * n + j], sum, 1e-10);
            }
    }
}
