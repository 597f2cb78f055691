using EnsembleFarm.Domain.Search;
using EnsembleFarm.Models;
using EnsembleFarm.SearchProblems;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Search;

/// <summary>The benchmark's functions are the published ones: their minima where the literature puts them, and nothing lower nearby.</summary>
public class BenchmarkProblemsTests
{
    public static TheoryData<string, double> PublishedMinima => new()
    {
        { "branin", 0.397887 },
        { "hartmann6", -3.32237 },
        { "rosenbrock10", 0 },
        { "ackley5", 0 },
        { "styblinski_tang8", -39.16617 * 8 },
        { "mixed_int_cat", 0 },
    };

    [Theory]
    [MemberData(nameof(PublishedMinima))]
    public void The_minimiser_is_in_the_space_and_gives_the_published_minimum(string name, double published)
    {
        var problem = BenchmarkProblems.Find(name);

        Assert.Empty(problem.Space.Check(problem.Minimiser));
        Assert.Equal(published, problem.Minimum, 5e-5);
    }

    public static TheoryData<string> Names => [.. BenchmarkProblems.All.Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void No_point_near_the_minimiser_or_anywhere_at_random_is_lower(string name)
    {
        var problem = BenchmarkProblems.Find(name);
        var rng = new Rng(42);
        for (var i = 0; i < 2000; i++)
        {
            // Every other point a small step (unit coordinates) from the minimiser in its floats, the rest anywhere.
            var near = i % 2 == 0;
            var point = problem.Space.Resolve((p, _) => !near ? p.Distribution.FromUnit(rng.NextDouble())
                : p.Distribution is FloatDistribution ? p.Distribution.FromUnit(Math.Clamp(p.Distribution.ToUnit(problem.Minimiser[p.Name]) + 1e-3 * rng.NextGaussian(), 0, 1))
                : problem.Minimiser[p.Name]);
            var value = problem.Function(point);
            Assert.True(value >= problem.Minimum - 1e-9, $"{name}: {value} below the minimum {problem.Minimum}");
        }
    }
}
