using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EnsembleFarm.Domain.Statistics;

/// <summary>How a block of resamples lies in memory: one vector of <see cref="Lanes"/> weights per row.</summary>
internal static class ResampleBlock
{
    public static int Lanes => Vector512<double>.Count;

    /// <summary>The weights of <paramref name="row"/> in every resample of the block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Row(ReadOnlySpan<double> weights, int row) =>
        Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(weights), (nuint)row * (nuint)Vector512<double>.Count);

    /// <summary>Writes a vector's lanes, one value per resample.</summary>
    public static void Store(Vector512<double> lanes, Span<double> values) => lanes.CopyTo(values);

    /// <summary>Checks that <paramref name="weights"/> holds <paramref name="rows"/> rows of lanes and <paramref name="values"/> one value per lane.</summary>
    public static void Check(ReadOnlySpan<double> weights, Span<double> values, int rows)
    {
        if (weights.Length != rows * Lanes) throw new ArgumentException($"Expected {rows} rows × {Lanes} weights, got {weights.Length}.", nameof(weights));
        if (values.Length < Lanes) throw new ArgumentException($"Room for {Lanes} values is needed, got {values.Length}.", nameof(values));
    }
}
