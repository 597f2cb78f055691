using EnsembleFarm.Models.Tensors;
using Xunit;

namespace EnsembleFarm.Models.Tests.Tensors;

public sealed class GemmTests
{
    public enum Form { Plain, TransposeA, TransposeB }

    private static readonly (int M, int K, int N)[] Shapes =
    [
        (1, 1, 1), (0, 3, 4), (3, 0, 4), (3, 4, 0), (1, 7, 1), (2, 3, 5), (5, 1, 33), (7, 13, 17),
        (8, 32, 32), (9, 31, 33), (6, 16, 16), (13, 5, 70), (33, 300, 9), (17, 513, 40),
        (64, 10, 64), (31, 64, 1), (64, 914, 20), (300, 3, 600),
    ];

    // The ISA travels by name: GemmIsa is internal and a public theory cannot take it as a parameter.
    public static TheoryData<string, Form> Paths()
    {
        var data = new TheoryData<string, Form>();
        foreach (var isa in Enum.GetNames<GemmIsa>())
            foreach (var form in Enum.GetValues<Form>())
                data.Add(isa, form);
        return data;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void MatchesDoublePrecisionReference(string isaName, Form form)
    {
        var isa = Enum.Parse<GemmIsa>(isaName);
        var rng = new Rng(17);
        foreach (var (m, k, n) in Shapes)
            foreach (var accumulate in new[] { false, true })
            {
                var a = Random(rng, m * k);
                var b = Random(rng, k * n);
                var initial = Random(rng, m * n);
                var c = (float[])initial.Clone();
                Call(form, a, b, c, m, k, n, accumulate, threads: 1, isa);

                var expected = Reference(form, a, b, m, k, n, accumulate ? initial : null);
                for (var i = 0; i < m * n; i++)
                {
                    var tolerance = 1e-5 * (k + 1) * (1 + Math.Abs(expected[i]));
                    Assert.True(Math.Abs(c[i] - expected[i]) <= tolerance,
                        $"{isa} {form} {m}×{k}×{n} accumulate={accumulate}: C[{i / n},{i % n}] = {c[i]}, expected {expected[i]}");
                }
            }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void ThreadCountDoesNotChangeABit(string isaName, Form form)
    {
        var isa = Enum.Parse<GemmIsa>(isaName);
        var rng = new Rng(5);
        // Split whatever the size (threshold 0), with ragged edges in every dimension: by columns, then by rows.
        foreach (var (m, k, n) in new[] { (53, 301, 177), (9, 700, 301), (130, 300, 9) })
        {
            var a = Random(rng, m * k);
            var b = Random(rng, k * n);
            var initial = Random(rng, m * n);
            var one = (float[])initial.Clone();
            var two = (float[])initial.Clone();
            Call(form, a, b, one, m, k, n, accumulate: true, threads: 1, isa, parallelMinimumWork: 0);
            Call(form, a, b, two, m, k, n, accumulate: true, threads: 2, isa, parallelMinimumWork: 0);
            Assert.Equal(one, two);
        }
    }

    [Theory]
    [InlineData(Form.Plain)]
    [InlineData(Form.TransposeA)]
    [InlineData(Form.TransposeB)]
    public void PublicEntryPointsTakeTheBestPathAndWriteOnlyTheProduct(Form form)
    {
        var rng = new Rng(3);
        const int m = 11, k = 9, n = 35;
        var a = Random(rng, m * k);
        var b = Random(rng, k * n);
        var c = new float[m * n + 5];
        c.AsSpan(m * n).Fill(42f);
        switch (form)
        {
            case Form.Plain: Gemm.Multiply(a, b, c, m, k, n); break;
            case Form.TransposeA: Gemm.MultiplyTransposeA(a, b, c, m, k, n); break;
            default: Gemm.MultiplyTransposeB(a, b, c, m, k, n); break;
        }

        var expected = new float[m * n];
        Call(form, a, b, expected, m, k, n, accumulate: false, threads: 1, Gemm.BestIsa);
        Assert.Equal(expected, c[..(m * n)]);
        Assert.All(c[(m * n)..], x => Assert.Equal(42f, x));
    }

    [Fact]
    public void DifferentIsasAgreeOnTheTrainingShapes()
    {
        var rng = new Rng(11);
        foreach (var (m, k, n) in new[] { (256, 10, 64), (256, 64, 64), (64, 914, 256), (64, 256, 4) })
        {
            var a = Random(rng, m * k);
            var b = Random(rng, k * n);
            var scalar = new float[m * n];
            Call(Form.Plain, a, b, scalar, m, k, n, accumulate: false, threads: 1, GemmIsa.Scalar);
            foreach (var isa in new[] { GemmIsa.Vector256, GemmIsa.Vector512 })
            {
                var vector = new float[m * n];
                Call(Form.Plain, a, b, vector, m, k, n, accumulate: false, threads: 2, isa, parallelMinimumWork: 0);
                for (var i = 0; i < m * n; i++) Assert.Equal(scalar[i], vector[i], 1e-3f * MathF.Sqrt(k));
            }
        }
    }

    [Fact]
    public void ShortBuffersAndBadCountsAreRejectedWithTheirNames()
    {
        var four = new float[4];
        var error = Assert.Throws<ArgumentException>(() => Gemm.Multiply(new float[6], four, four, 2, 3, 2));
        Assert.Equal("b", error.ParamName);
        Assert.Contains("3×2", error.Message);
        error = Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposeA(new float[6], new float[6], new float[3], 2, 3, 2));
        Assert.Equal("c", error.ParamName);
        Assert.Equal("m", Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(four, four, four, -1, 2, 2)).ParamName);
        Assert.Equal("threads", Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(four, four, four, 2, 2, 2, threads: 0)).ParamName);
    }

    private static void Call(Form form, float[] a, float[] b, float[] c, int m, int k, int n, bool accumulate, int threads, GemmIsa isa,
        long parallelMinimumWork = Gemm.ParallelMinimumWork)
    {
        switch (form)
        {
            case Form.Plain: Gemm.Multiply(a, b, c, m, k, n, accumulate, threads, isa, parallelMinimumWork); break;
            case Form.TransposeA: Gemm.MultiplyTransposeA(a, b, c, m, k, n, accumulate, threads, isa, parallelMinimumWork); break;
            default: Gemm.MultiplyTransposeB(a, b, c, m, k, n, accumulate, threads, isa, parallelMinimumWork); break;
        }
    }

    private static double[] Reference(Form form, float[] a, float[] b, int m, int k, int n, float[]? initial)
    {
        var result = new double[m * n];
        for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
            {
                double sum = initial?[i * n + j] ?? 0;
                for (var p = 0; p < k; p++)
                {
                    var x = form == Form.TransposeA ? a[p * m + i] : a[i * k + p];
                    var y = form == Form.TransposeB ? b[j * k + p] : b[p * n + j];
                    sum += (double)x * y;
                }
                result[i * n + j] = sum;
            }
        return result;
    }

    private static float[] Random(Rng rng, int length)
    {
        var values = new float[length];
        for (var i = 0; i < length; i++) values[i] = rng.NextSingle() * 2f - 1f;
        return values;
    }
}
