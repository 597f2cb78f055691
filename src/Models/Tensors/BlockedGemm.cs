using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EnsembleFarm.Models.Tensors;

/// <summary>A logical matrix over pinned memory: element (i, j) is <c>Origin[i·RowStride + j·ColStride]</c>.</summary>
internal readonly unsafe struct StridedMatrix(float* origin, nint rowStride, nint colStride)
{
    public float* Origin { get; } = origin;
    public nint RowStride { get; } = rowStride;
    public nint ColStride { get; } = colStride;

    public float* At(int row, int col) => Origin + row * RowStride + col * ColStride;
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
    internal const int DepthBlock = 256;

    /// <summary>Most columns of B packed at once: 256 × 512 floats = 512 KiB, half the Zen 4 L2.</summary>
    private const int ColumnBlock = 512;

    [ThreadStatic] private static float[]? t_packedB;
    [ThreadStatic] private static float[]? t_edgeA;

    public static void Run<TKernel>(StridedMatrix a, StridedMatrix b, float* c, nint ldc, int m, int k, int n, bool accumulate)
        where TKernel : IMicroKernel
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate)
                for (var i = 0; i < m; i++) new Span<float>(c + i * ldc, n).Clear();
            return;
        }

        var mr = TKernel.Rows;
        var nr = TKernel.Columns;
        var depthBlocks = (k + DepthBlock - 1) / DepthBlock;
        var depth = (k + depthBlocks - 1) / depthBlocks;
        var columnBlock = Math.Min(ColumnBlock, RoundUp(n, nr));
        var packedB = Rent(ref t_packedB, depth * columnBlock);
        var edgeA = Rent(ref t_edgeA, depth * mr);
        var tile = stackalloc float[mr * nr];

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
                            var cTile = c + ic * ldc + jc + jr;
                            if (rows == mr && cols == nr)
                            {
                                TKernel.Run(strip.Origin, strip.RowStride, strip.ColStride, panel, kc, cTile, ldc, add);
                            }
                            else
                            {
                                TKernel.Run(strip.Origin, strip.RowStride, strip.ColStride, panel, kc, tile, nr, add: false);
                                MergeTile(tile, nr, cTile, ldc, rows, cols, add);
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
            // Transposed B (and the ragged right edge): walk each source column contiguously when its k runs along memory.
            for (var j = 0; j < cols; j++)
            {
                var column = source + j * b.ColStride;
                for (var p = 0; p < kc; p++) panel[p * nr + j] = column[p * b.RowStride];
            }
            for (var p = 0; p < kc; p++) new Span<float>(panel + p * nr + cols, nr - cols).Clear();
        }
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

    private static void MergeTile(float* tile, int nr, float* c, nint ldc, int rows, int cols, bool add)
    {
        for (var i = 0; i < rows; i++)
        {
            var source = tile + i * nr;
            var target = c + i * ldc;
            if (add)
                for (var j = 0; j < cols; j++) target[j] += source[j];
            else
                for (var j = 0; j < cols; j++) target[j] = source[j];
        }
    }
}
