using EnsembleFarm.Domain.Search;
using EnsembleFarm.SearchProblems;
using EnsembleFarm.Models;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Search;

public class SobolSamplerTests
{
    /// <summary>
    /// The L2 star discrepancy (Warnock's formula): how far the share of points in boxes [0, t) is from the
    /// boxes' volume, averaged over all t. Smaller is more uniform.
    /// </summary>
    private static double L2StarDiscrepancy(IReadOnlyList<double[]> points)
    {
        var n = points.Count;
        var d = points[0].Length;
        var term1 = Math.Pow(3, -d);
        var term2 = points.Sum(p => p.Aggregate(1.0, (acc, x) => acc * (1 - x * x) / 2)) * 2 / n;
        var term3 = 0.0;
        foreach (var p in points)
            foreach (var q in points)
                term3 += p.Zip(q).Aggregate(1.0, (acc, x) => acc * (1 - Math.Max(x.First, x.Second)));
        return Math.Sqrt(term1 - term2 + term3 / ((double)n * n));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void Scrambled_points_are_more_uniform_than_random_ones_for_every_seed(int dims)
    {
        const int n = 128;
        for (ulong seed = 1; seed <= 5; seed++)
        {
            var sobol = new SobolSampler(new() { Seed = seed });
            var quasi = Enumerable.Range(0, n).Select(i => sobol.Point(i, dims)).ToList();
            var random = RandomPoints(n, dims, seed);

            var q = L2StarDiscrepancy(quasi);
            var r = L2StarDiscrepancy(random);
            Assert.True(q < 0.8 * r, $"seed {seed}, {dims} dimensions: Sobol {q:G3} against random {r:G3}");
        }
    }

    /// <summary>In 20 dimensions the full discrepancy says little at 128 points; what a search sees is its pairs of parameters.</summary>
    [Theory]
    [InlineData(0, 1)]
    [InlineData(6, 7)]
    [InlineData(17, 19)]
    public void Two_dimensional_projections_of_a_20_dimensional_sequence_are_more_uniform_than_random(int first, int second)
    {
        const int n = 128;
        for (ulong seed = 1; seed <= 5; seed++)
        {
            var sobol = new SobolSampler(new() { Seed = seed });
            var quasi = Enumerable.Range(0, n).Select(i => sobol.Point(i, 20)).Select(p => new[] { p[first], p[second] }).ToList();
            var q = L2StarDiscrepancy(quasi);
            var r = L2StarDiscrepancy(RandomPoints(n, 2, seed));
            Assert.True(q < 0.8 * r, $"seed {seed}, dimensions {first} and {second}: Sobol {q:G3} against random {r:G3}");
        }
    }

    private static List<double[]> RandomPoints(int n, int dims, ulong seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, dims).Select(_ => rng.NextDouble()).ToArray()).ToList();
    }

    [Fact]
    public void The_first_2_to_the_m_points_put_one_point_in_each_of_2_to_the_m_slices_of_every_coordinate()
    {
        var sobol = new SobolSampler(new() { Seed = 9 });
        var points = Enumerable.Range(0, 64).Select(i => sobol.Point(i, 32)).ToList();

        for (var j = 0; j < 32; j++)
            Assert.Equal(Enumerable.Range(0, 64), points.Select(p => (int)(p[j] * 64)).Order());
        // And pairs: the first 16 points of the first two dimensions fill a 4 × 4 grid of squares.
        Assert.Equal(16, points.Take(16).Select(p => ((int)(p[0] * 4), (int)(p[1] * 4))).Distinct().Count());
    }

    [Fact]
    public void Unscrambled_points_are_the_textbook_sequence()
    {
        var sobol = new SobolSampler(new() { Scramble = false });

        Assert.Equal([0.0, 0.0, 0.0], sobol.Point(0, 3));
        Assert.Equal([0.5, 0.5, 0.5], sobol.Point(1, 3));
        Assert.Equal([0.75, 0.25, 0.25], sobol.Point(2, 3));
        Assert.Equal([0.25, 0.75, 0.75], sobol.Point(3, 3));
        Assert.Equal([0.375, 0.375, 0.625], sobol.Point(4, 3));
    }

    [Fact]
    public void Finds_the_region_of_a_quadratic_s_minimum_and_records_its_index_per_trial()
    {
        var bests = StudyRunner.BestPerSeed(s => new SobolSampler(new() { Seed = s }), TestFunctions.Box(2), TestFunctions.ShiftedQuadratic, 64);
        Assert.True(StudyRunner.Median(bests) < 1.0, $"median best {StudyRunner.Median(bests)}");

        var trials = StudyRunner.Run(new SobolSampler(), TestFunctions.Box(2), TestFunctions.ShiftedQuadratic, 8);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => i.ToString()), trials.Select(t => t.Attributes[SobolSampler.IndexAttribute]));
    }
}
