using System.Runtime.Intrinsics;

namespace EnsembleFarm.Models.Tensors;

/// <summary>
/// Single-precision matrix products on row-major, densely packed matrices: the three forms a dense
/// layer's forward and backward passes need. When <c>accumulate</c> is true the product is added to C.
/// <c>threads</c> is the most threads a call may use; for a given value the result is bit-identical run to run.
/// </summary>
/// <remarks>
/// Cache-blocked, register-blocked FMA kernels on the widest vectors the CPU runs natively (AVX-512, else AVX2,
/// else scalar). Threads split the output, never k, and only for products big enough to repay the hand-off, so the
/// result is in fact bit-identical for every thread count on a given machine.
/// </remarks>
public static class Gemm
{
    /// <summary>
    /// Below this many multiply-adds (m·k·n, about 1.3 ms on one Zen 4 core) a product runs on one thread whatever
    /// the budget. A split call waits for its slowest slice, and with the other core busy (this shared machine's
    /// normal state, and a farm's: other trainings) a pool thread waits up to a scheduler time slice to run. On the
    /// idle machine 2 threads paid from 2²⁰ (STACK.md §5), but under load they lost on every product of the
    /// benchmark networks: mlp-914 trained at 38–51 k samples/s at 2 threads with its 15 M multiply-add products
    /// split, 52–59 k unsplit, 55–61 k at 1 thread (docs/benchmarks.md).
    /// </summary>
    internal const long ParallelMinimumWork = 1L << 27;

    internal static GemmIsa BestIsa { get; } =
        Vector512.IsHardwareAccelerated ? GemmIsa.Vector512
        : Vector256.IsHardwareAccelerated ? GemmIsa.Vector256
        : GemmIsa.Scalar;

    /// <summary>C[m×n] (+)= A[m×k] · B[k×n].</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false, int threads = 1) =>
        Multiply(a, b, c, m, k, n, accumulate, threads, BestIsa, ParallelMinimumWork);

    /// <summary>C[m×n] (+)= A[m×k] · Bᵀ, with B stored as [n×k].</summary>
    public static void MultiplyTransposeB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false, int threads = 1) =>
        MultiplyTransposeB(a, b, c, m, k, n, accumulate, threads, BestIsa, ParallelMinimumWork);

    /// <summary>C[m×n] (+)= Aᵀ · B, with A stored as [k×m] and B as [k×n].</summary>
    public static void MultiplyTransposeA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false, int threads = 1) =>
        MultiplyTransposeA(a, b, c, m, k, n, accumulate, threads, BestIsa, ParallelMinimumWork);

    internal static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate, int threads, GemmIsa isa, long parallelMinimumWork) =>
        Run(a, b, c, m, k, n, accumulate, threads, isa, parallelMinimumWork, transposeA: false, transposeB: false);

    internal static void MultiplyTransposeB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate, int threads, GemmIsa isa, long parallelMinimumWork) =>
        Run(a, b, c, m, k, n, accumulate, threads, isa, parallelMinimumWork, transposeA: false, transposeB: true);

    internal static void MultiplyTransposeA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate, int threads, GemmIsa isa, long parallelMinimumWork) =>
        Run(a, b, c, m, k, n, accumulate, threads, isa, parallelMinimumWork, transposeA: true, transposeB: false);

    private static unsafe void Run(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n,
        bool accumulate, int threads, GemmIsa isa, long parallelMinimumWork, bool transposeA, bool transposeB)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        RequireLength(a, (long)m * k, nameof(a), transposeA ? $"{k}×{m} (A stored transposed)" : $"{m}×{k}");
        RequireLength(b, (long)k * n, nameof(b), transposeB ? $"{n}×{k} (B stored transposed)" : $"{k}×{n}");
        RequireLength(c, (long)m * n, nameof(c), $"{m}×{n}");

        fixed (float* pa = a, pb = b, pc = c)
        {
            var left = transposeA ? new StridedMatrix(pa, 1, m) : new StridedMatrix(pa, k, 1);
            var right = transposeB ? new StridedMatrix(pb, 1, k) : new StridedMatrix(pb, n, 1);
            var product = new Product(left, right, pc, m, k, n, accumulate, isa);
            var usable = (long)m * k * n >= parallelMinimumWork ? Math.Min(threads, Environment.ProcessorCount) : 1;
            if (usable <= 1) product.RunAll();
            else product.RunSplit(usable);
        }
    }

    private static void RequireLength(ReadOnlySpan<float> span, long needed, string name, string shape)
    {
        if (span.Length < needed)
            throw new ArgumentException($"Matrix {name} must hold {shape} = {needed} floats but has {span.Length}.", name);
    }

    /// <summary>One call's operands, so that the parts of a split run can each take a slice of the output.</summary>
    private readonly unsafe struct Product(StridedMatrix a, StridedMatrix b, float* c, int m, int k, int n, bool accumulate, GemmIsa isa)
    {
        private StridedMatrix A { get; } = a;
        private StridedMatrix B { get; } = b;
        private float* C { get; } = c;
        private int M { get; } = m;
        private int K { get; } = k;
        private int N { get; } = n;
        private bool Accumulate { get; } = accumulate;
        private GemmIsa Isa { get; } = isa;

        public void RunAll() => RunSlice(0, M, 0, N);

        /// <summary>
        /// Splits the output into twice as many slices as threads, taken by whichever thread is free: on a shared
        /// machine a thread that is not scheduled then delays only its own slice, and the caller does the rest
        /// (even slices were slower at 2 threads than at 1 under load). Column slices when there are enough, as
        /// each packs only its own columns of B; row slices each pack all of B. Slice edges fall on tile edges
        /// so the slices together pad no more than one thread would.
        /// </summary>
        public void RunSplit(int threads)
        {
            var (rows, cols) = TileShape(Isa);
            var rowTiles = (M + rows - 1) / rows;
            var colTiles = (N + cols - 1) / cols;
            var slices = 2 * threads;
            var byColumns = colTiles >= slices || colTiles >= rowTiles;
            var tiles = byColumns ? colTiles : rowTiles;
            slices = Math.Min(slices, tiles);
            if (slices <= 1)
            {
                RunAll();
                return;
            }
            var step = (tiles + slices - 1) / slices * (byColumns ? cols : rows);
            var self = this;
            Parallel.For(0, slices, new ParallelOptions { MaxDegreeOfParallelism = threads }, slice =>
            {
                var start = slice * step;
                if (byColumns) self.RunSlice(0, self.M, start, Math.Min(self.N, start + step));
                else self.RunSlice(start, Math.Min(self.M, start + step), 0, self.N);
            });
        }

        private void RunSlice(int rowStart, int rowEnd, int colStart, int colEnd)
        {
            if (rowEnd <= rowStart || colEnd <= colStart) return;
            var a = new StridedMatrix(A.At(rowStart, 0), A.RowStride, A.ColStride);
            var b = new StridedMatrix(B.At(0, colStart), B.RowStride, B.ColStride);
            var c = new StridedMatrix(C + (nint)rowStart * N + colStart, N, 1);
            int m = rowEnd - rowStart, n = colEnd - colStart;
            switch (Isa)
            {
                case GemmIsa.Vector512: BlockedGemm.Run<Kernel512>(a, b, c, m, K, n, Accumulate); break;
                case GemmIsa.Vector256: BlockedGemm.Run<Kernel256>(a, b, c, m, K, n, Accumulate); break;
                default: BlockedGemm.Run<KernelScalar>(a, b, c, m, K, n, Accumulate); break;
            }
        }

        private static (int Rows, int Columns) TileShape(GemmIsa isa) => isa switch
        {
            GemmIsa.Vector512 => (Kernel512.Rows, Kernel512.Columns),
            GemmIsa.Vector256 => (Kernel256.Rows, Kernel256.Columns),
            _ => (KernelScalar.Rows, KernelScalar.Columns),
        };
    }
}
