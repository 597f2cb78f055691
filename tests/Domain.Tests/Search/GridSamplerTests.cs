using EnsembleFarm.Domain.Search;
using EnsembleFarm.SearchProblems;
using EnsembleFarm.Store;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Search;

public class GridSamplerTests
{
    private static readonly Objective[] Loss = [Objective.Minimize("loss")];

    [Fact]
    public void Visits_every_point_of_an_11_by_11_Branin_grid_once_then_reports_exhaustion()
    {
        var sampler = new GridSampler(new() { PointsPerDimension = 11 });
        var space = TestFunctions.BraninSpace;

        var trials = StudyRunner.Run(sampler, space, TestFunctions.Branin, 121);

        Assert.Equal(121, trials.Select(t => (t.Params["x"].AsDouble(), t.Params["y"].AsDouble())).Distinct().Count());
        Assert.Equal(0, sampler.Remaining(new SearchContext(space, Loss, trials)));
        var error = Assert.Throws<SearchExhaustedException>(() => sampler.Suggest(new SearchContext(space, Loss, trials)));
        Assert.Equal("all 121 points of the grid are taken by trials (121 completed, 0 pending, 0 pruned, failed or cancelled): there is nothing new to try", error.Message);
        // No minimum of Branin lies on the grid (steps of 1.5); its best point is within 0.75 of the minimum value.
        Assert.InRange(StudyRunner.Best(trials), TestFunctions.BraninMinimum, TestFunctions.BraninMinimum + 0.75);
    }

    [Fact]
    public void Spaces_grid_points_in_each_distribution_s_scale_and_takes_listed_values_as_given()
    {
        var space = new SearchSpace(
            new ParameterSpec("lr", new FloatDistribution(1e-4, 1, Log: true)),
            new ParameterSpec("width", new IntDistribution(16, 256, Log: true)),
            new ParameterSpec("optimizer", new CategoricalDistribution("sgd", "adam")),
            new ParameterSpec("dropout", new FloatDistribution(0, 0.5)));
        var sampler = new GridSampler(new()
        {
            PointsPerDimension = 5,
            Shuffle = false,
            Values = new Dictionary<string, IReadOnlyList<ParamValue>> { ["dropout"] = [0.0, 0.2] },
        });

        var grid = sampler.Grid(space);

        Assert.Equal(5 * 5 * 2 * 2, grid.Count);
        Assert.Equal(new[] { 1e-4, 1e-3, 1e-2, 1e-1, 1 }, grid.Select(p => p["lr"].AsDouble()).Distinct().Order(), new ToleranceComparer(1e-12));
        Assert.Equal([16L, 32, 64, 128, 256], grid.Select(p => p["width"].AsInt()).Distinct().Order());
        Assert.Throws<ArgumentException>(() => new GridSampler(new() { Values = new Dictionary<string, IReadOnlyList<ParamValue>> { ["dropout"] = [0.9] } }).Grid(space));
    }

    [Fact]
    public void Skips_points_that_pending_trials_hold_and_enumerates_a_conditional_space_as_a_tree()
    {
        var space = new SearchSpace(
            new ParameterSpec("depth", new IntDistribution(1, 3)),
            new ParameterSpec("width_2", new CategoricalDistribution(32, 64), [Condition.AtLeast("depth", 2)]),
            new ParameterSpec("width_3", new CategoricalDistribution(32, 64), [Condition.AtLeast("depth", 3)]));
        var sampler = new GridSampler();

        // 1 + 2 + 4 points, not 3·2·2 = 12.
        Assert.Equal(7, sampler.Grid(space).Count);
        var pending = new List<FrozenTrial>();
        for (var i = 0; i < 7; i++)
            pending.Add(new FrozenTrial(i, TrialState.Running, sampler.Suggest(new SearchContext(space, Loss, pending)).Params));
        Assert.Equal(7, pending.Select(t => string.Join(",", t.Params.Values)).Distinct().Count());
        Assert.Throws<SearchExhaustedException>(() => sampler.Suggest(new SearchContext(space, Loss, pending)));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance * Math.Max(1, Math.Abs(b));

        public int GetHashCode(double value) => 0;
    }
}
