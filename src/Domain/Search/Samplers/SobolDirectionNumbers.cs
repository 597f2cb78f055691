namespace EnsembleFarm.Domain.Search;

/// <summary>
/// Initial direction numbers of the Sobol sequence for dimensions 2 to 32, from Joe and Kuo's
/// new-joe-kuo-6.21201 table (S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better
/// two-dimensional projections", SIAM J. Sci. Comput. 30, 2635–2654, 2008), the table scipy and Optuna's
/// QMC sampler use. Dimension 1 needs no row (every m is 1).
/// Each row: s (degree of the primitive polynomial), a (its interior coefficients as bits), m_1 … m_s.
/// </summary>
internal static class SobolDirectionNumbers
{
    public const int Bits = 32;

    private static readonly int[][] Rows =
    [
        [1, 0, 1],
        [2, 1, 1, 3],
        [3, 1, 1, 3, 1],
        [3, 2, 1, 1, 1],
        [4, 1, 1, 1, 3, 3],
        [4, 4, 1, 3, 5, 13],
        [5, 2, 1, 1, 5, 5, 17],
        [5, 4, 1, 1, 5, 5, 5],
        [5, 7, 1, 1, 7, 11, 19],
        [5, 11, 1, 1, 5, 1, 1],
        [5, 13, 1, 1, 1, 3, 11],
        [5, 14, 1, 3, 5, 5, 31],
        [6, 1, 1, 3, 3, 9, 7, 49],
        [6, 13, 1, 1, 1, 15, 21, 21],
        [6, 16, 1, 3, 1, 13, 27, 49],
        [6, 19, 1, 1, 1, 15, 7, 5],
        [6, 22, 1, 3, 1, 15, 13, 25],
        [6, 25, 1, 1, 5, 5, 19, 61],
        [7, 1, 1, 3, 7, 11, 23, 15, 103],
        [7, 4, 1, 3, 7, 13, 13, 15, 69],
        [7, 7, 1, 1, 3, 13, 7, 35, 63],
        [7, 8, 1, 3, 5, 9, 1, 25, 53],
        [7, 14, 1, 3, 1, 13, 9, 35, 107],
        [7, 19, 1, 3, 1, 5, 27, 61, 31],
        [7, 21, 1, 1, 5, 11, 19, 41, 61],
        [7, 28, 1, 3, 5, 3, 3, 13, 69],
        [7, 31, 1, 1, 7, 13, 1, 19, 1],
        [7, 32, 1, 3, 7, 5, 13, 19, 59],
        [7, 37, 1, 1, 3, 9, 25, 29, 41],
        [7, 41, 1, 3, 5, 13, 23, 1, 55],
        [7, 42, 1, 3, 7, 3, 13, 59, 17],
    ];

    /// <summary>Dimensions the table covers.</summary>
    public const int MaxDimensions = 32;

    private static readonly uint[][] Directions = Build();

    /// <summary>V_k (k = 1 … 32) of dimension <paramref name="dimension"/> (0-based), scaled by 2³².</summary>
    public static ReadOnlySpan<uint> Of(int dimension) => Directions[dimension];

    private static uint[][] Build()
    {
        var all = new uint[MaxDimensions][];
        all[0] = new uint[Bits];
        for (var k = 0; k < Bits; k++) all[0][k] = 1u << (Bits - 1 - k);
        for (var d = 1; d < MaxDimensions; d++)
        {
            var row = Rows[d - 1];
            int s = row[0], a = row[1];
            var v = new uint[Bits];
            for (var k = 0; k < Bits; k++)
            {
                if (k < s)
                {
                    v[k] = (uint)row[2 + k] << (Bits - 1 - k);
                    continue;
                }
                var x = v[k - s] ^ (v[k - s] >> s);
                for (var i = 1; i < s; i++)
                {
                    if (((a >> (s - 1 - i)) & 1) != 0) x ^= v[k - i];
                }
                v[k] = x;
            }
            all[d] = v;
        }
        return all;
    }
}
