using EnsembleFarm.Domain.Search;
using EnsembleFarm.SearchProblems;
using EnsembleFarm.Store;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Search;

/// <summary>
/// The contract of <see cref="ISampler"/>, checked once for every implementation: suggestions hold exactly
/// the active parameters, never repeat a taken point (pending ones included), use up a finite space
/// exactly once and then say so, and depend only on the seed and the history.
/// </summary>
public class SamplerContractTests
{
    public static TheoryData<string> Samplers => ["random", "grid", "sobol", "tpe", "gp", "cmaes", "regularized_evolution", "nsga2"];

    /// <summary>Each sampler with small start-up phases, so that its model-based phase runs within a few trials.</summary>
    internal static ISampler Make(string name, ulong seed) => name switch
    {
        "random" => new RandomSampler(new() { Seed = seed }),
        "grid" => new GridSampler(new() { Seed = seed, PointsPerDimension = 3 }),
        "sobol" => new SobolSampler(new() { Seed = seed }),
        "tpe" => new TpeSampler(new() { Seed = seed, NStartupTrials = 5 }),
        "gp" => new GpSampler(new() { Seed = seed, NStartupTrials = 5, NPreliminarySamples = 256, FitIterations = 60 }),
        "cmaes" => new CmaEsSampler(new() { Seed = seed }),
        "regularized_evolution" => new RegularizedEvolutionSampler(new() { Seed = seed, PopulationSize = 8, SampleSize = 3 }),
        "nsga2" => new NsgaIISampler(new() { Seed = seed, PopulationSize = 8 }),
        _ => throw new ArgumentException(name),
    };

    private static readonly Objective[] OneObjective = [Objective.Minimize("loss")];

    private static string Key(IReadOnlyDictionary<string, ParamValue> values) =>
        string.Join(";", values.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    private static List<FrozenTrial> ArchitectureSearch(string sampler, ulong seed, int budget, int workers) =>
        StudyRunner.RunMany(Make(sampler, seed), TestFunctions.ArchitectureSpace, p => [TestFunctions.ArchitectureLoss(p)], budget, OneObjective, workers);

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Parallel_suggestions_never_repeat_a_taken_point(string sampler)
    {
        // Six silos ask at once: each batch is suggested with the batch's earlier suggestions pending.
        var trials = ArchitectureSearch(sampler, 7, 30, workers: 6);

        var keys = trials.Select(t => Key(t.Params)).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Conditional_parameters_appear_exactly_when_active(string sampler)
    {
        var trials = ArchitectureSearch(sampler, 11, 24, workers: 3);

        foreach (var trial in trials) Assert.Empty(TestFunctions.ArchitectureSpace.Check(trial.Params));
        // Several depths were visited, so the check above saw widths both present and absent.
        Assert.True(trials.Select(t => t.Params["depth"].AsInt()).Distinct().Count() >= 2);
    }

    private static readonly SearchSpace SixteenPoints = new(
        new ParameterSpec("a", new IntDistribution(1, 3)),
        new ParameterSpec("b", new CategoricalDistribution("x", "y")),
        new ParameterSpec("c", new CategoricalDistribution(true, false)),
        new ParameterSpec("d", new IntDistribution(1, 2), [Condition.AtLeast("a", 3)]));

    [Theory]
    [MemberData(nameof(Samplers))]
    public void A_finite_space_is_used_up_exactly_once_then_exhaustion_is_reported(string sampler)
    {
        // a ∈ {1, 2}: 2·2·2 = 8 points; a = 3 adds d: 2·2·2 = 8 more.
        var trials = StudyRunner.RunMany(Make(sampler, 3), SixteenPoints, p => [p["a"].AsInt() + (p["c"].AsBool() ? 0.5 : 0)], 16, OneObjective, workers: 4);

        Assert.Equal(16, trials.Select(t => Key(t.Params)).Distinct().Count());
        var error = Assert.Throws<SearchExhaustedException>(() => Make(sampler, 3).Suggest(new SearchContext(SixteenPoints, OneObjective, trials)));
        Assert.Contains(sampler == "grid" ? "all 16 points of the grid are taken" : "all 16 points of the search space are taken", error.Message);
        Assert.Contains("(16 completed, 0 pending", error.Message);
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void The_same_seed_and_history_give_the_same_suggestions_even_from_a_rebuilt_sampler(string sampler)
    {
        var first = ArchitectureSearch(sampler, 5, 16, workers: 2);

        // A new sampler for every suggestion, as after a restart of the campaign grain.
        var space = TestFunctions.ArchitectureSpace;
        var replay = new List<FrozenTrial>();
        while (replay.Count < 16)
        {
            var batch = new List<FrozenTrial>();
            for (var w = 0; w < 2; w++)
            {
                var s = Make(sampler, 5).Suggest(new SearchContext(space, OneObjective, [.. replay, .. batch]));
                batch.Add(new FrozenTrial(replay.Count + batch.Count, TrialState.Running, s.Params) { Attributes = s.Attributes });
            }
            replay.AddRange(batch.Select(t => t with { State = TrialState.Completed, Values = [TestFunctions.ArchitectureLoss(t.Params)] }));
        }
        var other = ArchitectureSearch(sampler, 6, 16, workers: 2);

        Assert.Equal(first.Select(t => t.Params), replay.Select(t => t.Params), (a, b) => a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v.Equals(p.Value)));
        Assert.NotEqual(first.Select(t => Key(t.Params)), other.Select(t => Key(t.Params)));
    }

    [Theory]
    [InlineData("gp")]
    [InlineData("cmaes")]
    [InlineData("regularized_evolution")]
    public void Single_objective_samplers_refuse_several_objectives_and_name_the_alternative(string sampler)
    {
        var context = new SearchContext(TestFunctions.BraninSpace, [Objective.Minimize("loss"), Objective.Minimize("size")], []);

        var error = Assert.Throws<NotSupportedException>(() => Make(sampler, 1).Suggest(context));
        Assert.Contains("use nsga2", error.Message);
    }
}
