using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EnsembleFarm.Models.Tensors;

namespace EnsembleFarm.Bench;

/// <summary>
/// GFLOP/s of <see cref="Gemm"/> on 512³ and on every product a dense layer of the benchmark networks makes
/// (forward X·Wᵀ, weight gradient dYᵀ·X, input gradient dY·W, W stored [out×in]), beside this CPU's FMA peak
/// measured in the same run.
/// </summary>
internal static class GemmBench
{
    internal enum Form { Multiply, TransposeA, TransposeB }

    internal sealed record Case(string Label, Form Form, int M, int K, int N);

    public static IReadOnlyList<Case> Cases()
    {
        var cases = new List<Case> { new("512³", Form.Multiply, 512, 512, 512) };
        foreach (var network in MlpShapes.All)
        {
            var widths = network.Widths;
            for (var layer = 0; layer + 1 < widths.Count; layer++)
            {
                int input = widths[layer], output = widths[layer + 1], batch = network.BatchSize;
                var name = $"{network.Name} L{layer + 1} {input}→{output}";
                cases.Add(new($"{name} fwd", Form.TransposeB, batch, input, output));
                cases.Add(new($"{name} dW", Form.TransposeA, output, batch, input));
                if (layer > 0) cases.Add(new($"{name} dX", Form.Multiply, batch, output, input));
            }
        }
        return cases;
    }

    public static void Run(IReadOnlyList<int> threadCounts, string filter, TextWriter output)
    {
        var peaks = threadCounts.ToDictionary(t => t, FmaPeak.Measure);
        output.WriteLine($"FMA peak (12 independent Vector512 FMA chains per thread): " +
            string.Join(", ", peaks.Select(p => $"{p.Key}T {p.Value:F1} GFLOP/s")));
        output.WriteLine($"ISA: Vector512 {Vector512.IsHardwareAccelerated}, Vector256 {Vector256.IsHardwareAccelerated}");
        output.WriteLine();
        output.Write($"| {"product",-34} | {"m×k×n",-14} |");
        foreach (var t in threadCounts) output.Write($" {t}T µs | {t}T GFLOP/s | {t}T % peak |");
        output.WriteLine();
        output.Write("|---|---|");
        foreach (var _ in threadCounts) output.Write("---:|---:|---:|");
        output.WriteLine();
        foreach (var c in Cases().Where(c => c.Label.Contains(filter, StringComparison.Ordinal)))
        {
            output.Write($"| {c.Label,-34} | {$"{c.M}×{c.K}×{c.N}",-14} |");
            foreach (var t in threadCounts)
            {
                var seconds = Time(c, t);
                var gflops = 2.0 * c.M * c.K * c.N / seconds / 1e9;
                output.Write($" {seconds * 1e6,7:F1} | {gflops,6:F1} | {100 * gflops / peaks[t],5:F0}% |");
            }
            output.WriteLine();
        }
    }

    /// <summary>
    /// Best seconds per call over 15 rounds of ~10 ms after a warm-up round: on a shared 2-core machine the best
    /// round is the one least disturbed by others, and the FMA peak is taken the same way.
    /// </summary>
    private static double Time(Case c, int threads)
    {
        var rng = new EnsembleFarm.Models.Rng(1);
        var a = Enumerable.Range(0, c.M * c.K).Select(_ => rng.NextSingle()).ToArray();
        var b = Enumerable.Range(0, c.K * c.N).Select(_ => rng.NextSingle()).ToArray();
        var result = new float[c.M * c.N];
        var calls = Math.Max(1, (int)(1e7 / (2.0 * c.M * c.K * c.N + 1)));
        RunCalls(c, a, b, result, threads, calls);
        var best = double.MaxValue;
        for (var round = 0; round < 15; round++)
        {
            var watch = Stopwatch.StartNew();
            RunCalls(c, a, b, result, threads, calls);
            best = Math.Min(best, watch.Elapsed.TotalSeconds / calls);
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RunCalls(Case c, float[] a, float[] b, float[] result, int threads, int calls)
    {
        for (var i = 0; i < calls; i++)
        {
            switch (c.Form)
            {
                case Form.Multiply: Gemm.Multiply(a, b, result, c.M, c.K, c.N, accumulate: false, threads); break;
                case Form.TransposeA: Gemm.MultiplyTransposeA(a, b, result, c.M, c.K, c.N, accumulate: false, threads); break;
                default: Gemm.MultiplyTransposeB(a, b, result, c.M, c.K, c.N, accumulate: false, threads); break;
            }
        }
    }
}

/// <summary>The FMA throughput ceiling: independent accumulator chains, nothing but FMAs, one loop per thread.</summary>
internal static class FmaPeak
{
    /// <summary>
    /// Best of 60 rounds of ~0.35 ms, about as long as a GEMM round: longer rounds were nearly always cut by the
    /// scheduler on the shared machine and read half the peak.
    /// </summary>
    public static double Measure(int threads)
    {
        const long iterations = 100_000;
        Chains(iterations);
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        var best = 0.0;
        for (var round = 0; round < 60; round++)
        {
            var watch = Stopwatch.StartNew();
            Parallel.For(0, threads, options, _ => Chains(iterations));
            var flops = 2.0 * 12 * Vector512<float>.Count * iterations * threads;
            best = Math.Max(best, flops / watch.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains(long iterations)
    {
        var x = Vector512.Create(0.999f);
        var y = Vector512.Create(1e-7f);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector512<float> a6 = default, a7 = default, a8 = default, a9 = default, a10 = default, a11 = default;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, x, y); a1 = Vector512.FusedMultiplyAdd(a1, x, y);
            a2 = Vector512.FusedMultiplyAdd(a2, x, y); a3 = Vector512.FusedMultiplyAdd(a3, x, y);
            a4 = Vector512.FusedMultiplyAdd(a4, x, y); a5 = Vector512.FusedMultiplyAdd(a5, x, y);
            a6 = Vector512.FusedMultiplyAdd(a6, x, y); a7 = Vector512.FusedMultiplyAdd(a7, x, y);
            a8 = Vector512.FusedMultiplyAdd(a8, x, y); a9 = Vector512.FusedMultiplyAdd(a9, x, y);
            a10 = Vector512.FusedMultiplyAdd(a10, x, y); a11 = Vector512.FusedMultiplyAdd(a11, x, y);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
