using System.Globalization;
using System.Numerics;
using EnsembleFarm.Models;

namespace EnsembleFarm.Domain.Search;

/// <summary>Settings of <see cref="SobolSampler"/>.</summary>
public sealed record SobolSamplerOptions
{
    /// <summary>Chooses the scrambling: each seed gives a different, equally even point set.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// Scramble the sequence (a random linear matrix scramble and a random digital shift, as scipy does).
    /// Off, the first point is the corner 0 of the space and the points lie on a lattice.
    /// </summary>
    public bool Scramble { get; init; } = true;
}

/// <summary>
/// Quasi-random points from a Sobol sequence: they fill the space far more evenly than random draws
/// (lower discrepancy), so a few dozen trials already cover every region and every one-dimensional
/// projection. Best as a first, non-adaptive sweep, or where the farm runs all trials at once. Budgets of
/// 2^m trials are best balanced.
/// <para>
/// Parameter j of the space (in its order) takes coordinate j of point i, through its unit mapping
/// (log scales, whole numbers and categories included); a conditional parameter keeps its coordinate
/// whether active or not. Each trial records the index i it took (attribute <c>sobol:index</c>); the next
/// suggestion takes the next index, so pending trials never share one. An index whose point is already
/// taken (frequent in small discrete spaces) is skipped. The direction-number table covers 32 parameters;
/// parameters beyond the 32nd get pseudo-random coordinates (seeded by point index and dimension).
/// </para>
/// </summary>
public sealed class SobolSampler(SobolSamplerOptions? options = null) : ISampler
{
    public const string IndexAttribute = "sobol:index";

    private readonly SobolSamplerOptions _options = options ?? new SobolSamplerOptions();

    public Suggestion Suggest(SearchContext context)
    {
        var dimensions = context.Space.Count;
        var scramble = Scrambling(dimensions);
        var next = 0L;
        foreach (var trial in context.Trials)
        {
            if (trial.Attributes.TryGetValue(IndexAttribute, out var text) && long.TryParse(text, CultureInfo.InvariantCulture, out var used))
                next = Math.Max(next, used + 1);
        }
        var taken = SpaceSampling.Taken(context);
        for (var attempt = 0; attempt < 64; attempt++)
        {
            var index = next + attempt;
            var point = Point(index, dimensions, scramble);
            var values = context.Space.Resolve((p, j) => p.Distribution.FromUnit(point[j]));
            if (!taken.Contains(SpaceSampling.Key(values)))
                return new Suggestion(values) { Attributes = Attribute(index) };
        }
        var rng = SpaceSampling.RngFor(_options.Seed, context);
        return new Suggestion(SpaceSampling.NewUniform(context, rng, taken)) { Attributes = Attribute(next + 63) };
    }

    /// <summary>Point <paramref name="index"/> of the (scrambled) sequence in [0, 1)^d.</summary>
    public double[] Point(long index, int dimensions) => Point(index, dimensions, Scrambling(dimensions));

    private static Dictionary<string, string> Attribute(long index) =>
        new() { [IndexAttribute] = index.ToString(CultureInfo.InvariantCulture) };

    private double[] Point(long index, int dimensions, (uint[][] Directions, uint[] Shift) scramble)
    {
        if (index < 0 || index >= 1L << SobolDirectionNumbers.Bits) throw new ArgumentOutOfRangeException(nameof(index), "a Sobol index must be below 2^32");
        var gray = (ulong)(index ^ (index >> 1));
        var point = new double[dimensions];
        for (var j = 0; j < dimensions; j++)
        {
            if (j >= SobolDirectionNumbers.MaxDimensions)
            {
                point[j] = new Rng(Rng.Derive(Rng.Derive(_options.Seed, (ulong)index), (ulong)j)).NextDouble();
                continue;
            }
            var v = scramble.Directions[j];
            var x = scramble.Shift[j];
            for (var bits = gray; bits != 0; bits &= bits - 1) x ^= v[BitOperations.TrailingZeroCount(bits)];
            point[j] = x / 4294967296.0;
        }
        return point;
    }

    /// <summary>
    /// Linear matrix scrambling: each dimension's direction numbers multiplied (over GF(2)) by a random lower
    /// triangular matrix with a unit diagonal, which keeps the net property; then a random digital shift.
    /// </summary>
    private (uint[][] Directions, uint[] Shift) Scrambling(int dimensions)
    {
        var count = Math.Min(dimensions, SobolDirectionNumbers.MaxDimensions);
        var directions = new uint[count][];
        var shift = new uint[count];
        var rng = new Rng(Rng.Derive(_options.Seed, 0x736F626FUL));
        for (var j = 0; j < count; j++)
        {
            var original = SobolDirectionNumbers.Of(j);
            if (!_options.Scramble)
            {
                directions[j] = original.ToArray();
                continue;
            }
            // Row r of the matrix (output digit r, r = 0 the most significant) as a mask over input digits 0 … r.
            var rows = new uint[SobolDirectionNumbers.Bits];
            for (var r = 0; r < SobolDirectionNumbers.Bits; r++)
            {
                var diagonal = 1u << (31 - r);
                var above = r == 0 ? 0u : ~((1u << (32 - r)) - 1);
                rows[r] = diagonal | ((uint)rng.NextUInt64() & above);
            }
            directions[j] = new uint[SobolDirectionNumbers.Bits];
            for (var k = 0; k < SobolDirectionNumbers.Bits; k++)
            {
                uint scrambled = 0;
                for (var r = 0; r < SobolDirectionNumbers.Bits; r++)
                {
                    if ((BitOperations.PopCount(rows[r] & original[k]) & 1) != 0) scrambled |= 1u << (31 - r);
                }
                directions[j][k] = scrambled;
            }
            shift[j] = (uint)rng.NextUInt64();
        }
        return (directions, shift);
    }
}
