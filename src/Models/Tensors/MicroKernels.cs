using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EnsembleFarm.Models.Tensors;

/// <summary>The instruction set a GEMM call runs on; tests force each one, callers get <see cref="Gemm.BestIsa"/>.</summary>
internal enum GemmIsa { Scalar, Vector256, Vector512 }

/// <summary>
/// A register-blocked tile of the product: <see cref="Rows"/>×<see cref="Columns"/> of C from a strip of A read in
/// place and a packed panel of B. A is addressed as <c>a[i·rowStride + p·colStride]</c>, so row-major A and
/// transposed A are the same kernel; B is a panel packed by <see cref="BlockedGemm"/>, <see cref="Columns"/>
/// floats per step of k, zero-padded at the right edge. The tile is C = acc or C = C + acc (<paramref name="add"/>),
/// acc starting at zero, so a tile's arithmetic does not depend on where the tile lies.
/// </summary>
internal interface IMicroKernel
{
    static abstract int Rows { get; }
    static abstract int Columns { get; }

    static abstract unsafe void Run(float* a, nint rowStride, nint colStride, float* packedB, int depth, float* c, nint ldc, bool add);
}

/// <summary>8×32 tile in 16 AVX-512 accumulators (STACK.md §5: the best measured shape on Zen 4).</summary>
internal readonly struct Kernel512 : IMicroKernel
{
    public static int Rows => 8;
    public static int Columns => 32;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(float* a, nint rowStride, nint colStride, float* packedB, int depth, float* c, nint ldc, bool add)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        var a4 = a + 4 * rowStride;
        var r3 = 3 * rowStride;
        var b = packedB;
        for (var p = 0; p < depth; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var x = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[rowStride]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2 * rowStride]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[r3]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a4[0]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a4[rowStride]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a4[2 * rowStride]);
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a4[r3]);
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
            a += colStride;
            a4 += colStride;
            b += 32;
        }
        Store(c, c00, c01, add); c += ldc;
        Store(c, c10, c11, add); c += ldc;
        Store(c, c20, c21, add); c += ldc;
        Store(c, c30, c31, add); c += ldc;
        Store(c, c40, c41, add); c += ldc;
        Store(c, c50, c51, add); c += ldc;
        Store(c, c60, c61, add); c += ldc;
        Store(c, c70, c71, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store(float* c, Vector512<float> left, Vector512<float> right, bool add)
    {
        if (add)
        {
            left = Vector512.Load(c) + left;
            right = Vector512.Load(c + 16) + right;
        }
        left.Store(c);
        right.Store(c + 16);
    }
}

/// <summary>6×16 tile in 12 AVX2 accumulators: fits the 16 vector registers of machines without AVX-512.</summary>
internal readonly struct Kernel256 : IMicroKernel
{
    public static int Rows => 6;
    public static int Columns => 16;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(float* a, nint rowStride, nint colStride, float* packedB, int depth, float* c, nint ldc, bool add)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        var a3 = a + 3 * rowStride;
        var b = packedB;
        for (var p = 0; p < depth; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var x = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a[rowStride]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a[2 * rowStride]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[0]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(a3[rowStride]);
            c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(a3[2 * rowStride]);
            c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
            a += colStride;
            a3 += colStride;
            b += 16;
        }
        Store(c, c00, c01, add); c += ldc;
        Store(c, c10, c11, add); c += ldc;
        Store(c, c20, c21, add); c += ldc;
        Store(c, c30, c31, add); c += ldc;
        Store(c, c40, c41, add); c += ldc;
        Store(c, c50, c51, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store(float* c, Vector256<float> left, Vector256<float> right, bool add)
    {
        if (add)
        {
            left = Vector256.Load(c) + left;
            right = Vector256.Load(c + 8) + right;
        }
        left.Store(c);
        right.Store(c + 8);
    }
}

/// <summary>4×4 tile in scalar registers, for hardware without 256-bit vectors.</summary>
internal readonly struct KernelScalar : IMicroKernel
{
    public static int Rows => 4;
    public static int Columns => 4;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(float* a, nint rowStride, nint colStride, float* packedB, int depth, float* c, nint ldc, bool add)
    {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        var b = packedB;
        for (var p = 0; p < depth; p++)
        {
            float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
            var x = a[0];
            c00 += x * b0; c01 += x * b1; c02 += x * b2; c03 += x * b3;
            x = a[rowStride];
            c10 += x * b0; c11 += x * b1; c12 += x * b2; c13 += x * b3;
            x = a[2 * rowStride];
            c20 += x * b0; c21 += x * b1; c22 += x * b2; c23 += x * b3;
            x = a[3 * rowStride];
            c30 += x * b0; c31 += x * b1; c32 += x * b2; c33 += x * b3;
            a += colStride;
            b += 4;
        }
        Store(c, c00, c01, c02, c03, add); c += ldc;
        Store(c, c10, c11, c12, c13, add); c += ldc;
        Store(c, c20, c21, c22, c23, add); c += ldc;
        Store(c, c30, c31, c32, c33, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store(float* c, float v0, float v1, float v2, float v3, bool add)
    {
        if (add)
        {
            v0 = c[0] + v0; v1 = c[1] + v1; v2 = c[2] + v2; v3 = c[3] + v3;
        }
        c[0] = v0; c[1] = v1; c[2] = v2; c[3] = v3;
    }
}
