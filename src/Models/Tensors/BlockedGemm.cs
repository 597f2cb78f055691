using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EnsembleFarm.Models.Tensors;

/// <summary>A logical matrix over pinned memory: element (i, j) is <c>Origin[i·RowStride + j·ColStride]</c>.</summary>
internal readonly unsafe struct StridedMatrix(float* origin, nint rowStride, nint colStride)
{
    public float* Origin { get; } = origin;
    public nint RowStride { get; } = rowStride;
    public nint ColStride { get; } = colStride;

    public float* At(int row, int col) => Origin + row * RowStride + col * ColStride;

    public StridedMatrix Transposed => new(Origin, ColStride, RowStride);
}

/// <summary>
/// The single-threaded blocked product C[m×n] (+)= A[m×k]·B[k×n] for one micro-kernel. B is packed in
/// <c>TKernel.Columns</c>-wide panels of at most <see cref="DepthBlock"/> steps of k (so a panel and a strip of A
/// stay in L1/L2); A is read in place through its strides, because at the training shapes packing it cost more
/// than it saved. Depth blocks depend on k alone, and every C element gets the same sequence of operations
/// wherever its tile lies, so any split of the output over threads gives bit-identical results.
/// </summary>
internal static unsafe class BlockedGemm
{
    /// <summary>Most steps of k per packed panel: 256 × 32 floats = 32 KiB, the Zen 4 L1.</summary>
    private const int DepthBlock = 256;

    /// <summary>Most columns of B packed at once: 256 × 512 floats = 512 KiB, half the Zen 4 L2.</summary>
    private const int ColumnBlock = 512;

    [ThreadStatic] private static float[]? t_packedB;
    [ThreadStatic] private static float[]? t_edgeA;

    /// <summary>
    /// C (+)= A·B, computed as Cᵀ (+)= Bᵀ·Aᵀ when that pads less than half as much: a one-column output (a layer
    /// with one logit) would otherwise fill a 32-wide tile for one useful column. Not for a smaller gain, because
    /// the transposed C goes through the scalar tile merge. Both orders run the same FMAs per element.
    /// </summary>
    public static void Run<TKernel>(StridedMatrix a, StridedMatrix b, StridedMatrix c, int m, int k, int n, bool accumulate)
        where TKernel : IMicroKernel
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate)
                for (var i = 0; i < m; i++)
                    for (var j = 0; j < n; j++) *c.At(i, j) = 0f;
            return;
        }
        if (2 * PaddedTiles<TKernel>(n, m) < PaddedTiles<TKernel>(m, n))
            RunBlocked<TKernel>(b.Transposed, a.Transposed, c.Transposed, n, k, m, accumulate);
        else
            RunBlocked<TKernel>(a, b, c, m, k, n, accumulate);
    }

    private static long PaddedTiles<TKernel>(int rows, int cols) where TKernel : IMicroKernel =>
        (long)RoundUp(rows, TKernel.Rows) * RoundUp(cols, TKernel.Columns);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunBlocked<TKernel>(StridedMatrix a, StridedMatrix b, StridedMatrix c, int m, int k, int n, bool accumulate)
        where TKernel : IMicroKernel
    {
        var mr = TKernel.Rows;
        var nr = TKernel.Columns;
        var depthBlocks = (k + DepthBlock - 1) / DepthBlock;
        var depth = (k + depthBlocks - 1) / depthBlocks;
        var columnBlock = Math.Min(ColumnBlock, RoundUp(n, nr));
        var packedB = Rent(ref t_packedB, depth * columnBlock);
        var edgeA = Rent(ref t_edgeA, depth * mr);
        var tile = stackalloc float[mr * nr];
        var rowMajorC = c.ColStride == 1;

        fixed (float* packed = packedB, edge = edgeA)
        {
            for (var jc = 0; jc < n; jc += columnBlock)
            {
                var nc = Math.Min(columnBlock, n - jc);
                for (var pc = 0; pc < k; pc += depth)
                {
                    var kc = Math.Min(depth, k - pc);
                    PackB(b, pc, kc, jc, nc, nr, packed);
                    var add = accumulate || pc > 0;
                    for (var ic = 0; ic < m; ic += mr)
                    {
                        var rows = Math.Min(mr, m - ic);
                        StridedMatrix strip;
                        if (rows == mr)
                        {
                            strip = new StridedMatrix(a.At(ic, pc), a.RowStride, a.ColStride);
                        }
                        else
                        {
                            PackEdgeA(a, ic, rows, pc, kc, mr, edge);
                            strip = new StridedMatrix(edge, 1, mr);
                        }
                        for (var jr = 0; jr < nc; jr += nr)
                        {
                            var cols = Math.Min(nr, nc - jr);
                            var panel = packed + jr * kc;
                            var cTile = c.At(ic, jc + jr);
                            if (rowMajorC && rows == mr && cols == nr)
                            {
                                TKernel.Run(strip.Origin, strip.RowStride, strip.ColStride, panel, kc, cTile, c.RowStride, add);
                            }
                            else
                            {
                                TKernel.Run(strip.Origin, strip.RowStride, strip.ColStride, panel, kc, tile, nr, add: false);
                                MergeTile(tile, nr, new StridedMatrix(cTile, c.RowStride, c.ColStride), rows, cols, add);
                            }
                        }
                    }
                }
            }
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static float[] Rent(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length) buffer = GC.AllocateUninitializedArray<float>(length, pinned: true);
        return buffer;
    }

    /// <summary>Panels of <paramref name="nr"/> columns, <paramref name="kc"/> rows each, zero beyond column <paramref name="nc"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void PackB(StridedMatrix b, int pc, int kc, int jc, int nc, int nr, float* packed)
    {
        for (var jr = 0; jr < nc; jr += nr)
        {
            var cols = Math.Min(nr, nc - jr);
            var panel = packed + jr * kc;
            var source = b.At(pc, jc + jr);
            if (b.ColStride == 1 && cols == nr)
            {
                for (var p = 0; p < kc; p++) CopyRow(source + p * b.RowStride, panel + p * nr, nr);
                continue;
            }
            if (b.RowStride == 1) PackTransposed(source, b.ColStride, kc, cols, nr, panel);
            else
                for (var p = 0; p < kc; p++)
                    for (var j = 0; j < cols; j++) panel[p * nr + j] = source[p * b.RowStride + j * b.ColStride];
            for (var p = 0; p < kc; p++) new Span<float>(panel + p * nr + cols, nr - cols).Clear();
        }
    }

    /// <summary>
    /// Packs B stored transposed (element (p, j) at <c>source[j·ld + p]</c>, e.g. a weight matrix [out×in]) in 8×8
    /// AVX register transposes where it can: a scalar transpose made the forward pass of a wide layer 40% slower.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void PackTransposed(float* source, nint ld, int kc, int cols, int nr, float* panel)
    {
        var blockedCols = 0;
        var blockedDepth = 0;
        if (Avx.IsSupported)
        {
            blockedCols = cols & ~7;
            blockedDepth = kc & ~7;
            for (var j = 0; j < blockedCols; j += 8)
                for (var p = 0; p < blockedDepth; p += 8)
                    Transpose8x8(source + j * ld + p, ld, panel + p * nr + j, nr);
        }
        for (var j = 0; j < cols; j++)
        {
            var column = source + j * ld;
            for (var p = j < blockedCols ? blockedDepth : 0; p < kc; p++) panel[p * nr + j] = column[p];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* source, nint sourceStride, float* target, nint targetStride)
    {
        var r0 = Avx.LoadVector256(source);
        var r1 = Avx.LoadVector256(source + sourceStride);
        var r2 = Avx.LoadVector256(source + 2 * sourceStride);
        var r3 = Avx.LoadVector256(source + 3 * sourceStride);
        var r4 = Avx.LoadVector256(source + 4 * sourceStride);
        var r5 = Avx.LoadVector256(source + 5 * sourceStride);
        var r6 = Avx.LoadVector256(source + 6 * sourceStride);
        var r7 = Avx.LoadVector256(source + 7 * sourceStride);
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(target, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(target + targetStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(target + 2 * targetStride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(target + 3 * targetStride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(target + 4 * targetStride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(target + 5 * targetStride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(target + 6 * targetStride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(target + 7 * targetStride, Avx.Permute2x128(u3, u7, 0x31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRow(float* source, float* destination, int count)
    {
        var j = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; j + 16 <= count; j += 16) Vector512.Load(source + j).Store(destination + j);
        if (Vector256.IsHardwareAccelerated)
            for (; j + 8 <= count; j += 8) Vector256.Load(source + j).Store(destination + j);
        for (; j < count; j++) destination[j] = source[j];
    }

    /// <summary>The last, short strip of A, interleaved (row stride 1, column stride <paramref name="mr"/>) and zero-padded to <paramref name="mr"/> rows.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void PackEdgeA(StridedMatrix a, int ic, int rows, int pc, int kc, int mr, float* edge)
    {
        for (var p = 0; p < kc; p++)
        {
            var column = a.At(ic, pc + p);
            var target = edge + p * mr;
            for (var i = 0; i < rows; i++) target[i] = column[i * a.RowStride];
            for (var i = rows; i < mr; i++) target[i] = 0f;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void MergeTile(float* tile, int nr, StridedMatrix c, int rows, int cols, bool add)
    {
        for (var i = 0; i < rows; i++)
        {
            var source = tile + i * nr;
            var target = c.At(i, 0);
            if (add)
                for (var j = 0; j < cols; j++) target[j * c.ColStride] += source[j];
            else
                for (var j = 0; j < cols; j++) target[j * c.ColStride] = source[j];
        }
    }
}
