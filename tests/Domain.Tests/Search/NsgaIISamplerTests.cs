using EnsembleFarm.Domain.Search;
using EnsembleFarm.SearchProblems;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Search;

public class NsgaIISamplerTests
{
    private static readonly Objective[] TwoObjectives = [Objective.Minimize("f1"), Objective.Minimize("f2")];

    private static readonly SearchSpace Zdt1Space = new(Enumerable.Range(0, 5).Select(i => new ParameterSpec($"x{i}", new FloatDistribution(0, 1))));

    /// <summary>ZDT1 with 5 variables: the true front is f2 = 1 − √f1 (all xᵢ = 0 for i ≥ 1).</summary>
    private static double[] Zdt1(IReadOnlyDictionary<string, ParamValue> p)
    {
        var f1 = p["x0"].AsDouble();
        var g = 1 + 9 * Enumerable.Range(1, 4).Sum(i => p[$"x{i}"].AsDouble()) / 4;
        return [f1, g * (1 - Math.Sqrt(f1 / g))];
    }

    /// <summary>Hypervolume of the true ZDT1 front up to (1.1, 1.1): ∫₀¹ (0.1 + √x) dx + 0.1·1.1.</summary>
    private const double TrueHypervolume = 0.1 + 2.0 / 3 + 0.11;

    /// <summary>The hypervolume reached by each of three seeds.</summary>
    private static double[] Hypervolumes(Func<ulong, ISampler> sampler, int budget) =>
        Enumerable.Range(1, 3)
            .Select(s => ParetoFront.Hypervolume(StudyRunner.RunMany(sampler((ulong)s), Zdt1Space, Zdt1, budget, TwoObjectives), TwoObjectives, [1.1, 1.1]))
            .ToArray();

    [Fact]
    public void Approaches_the_true_ZDT1_front_within_300_trials()
    {
        var nsga = Hypervolumes(s => new NsgaIISampler(new() { Seed = s, PopulationSize = 20 }), 300);
        var random = Hypervolumes(s => new RandomSampler(new() { Seed = 100 + s }), 300);

        var detail = $"NSGA-II hypervolumes [{string.Join(", ", nsga.Select(h => h.ToString("F3")))}], random [{string.Join(", ", random.Select(h => h.ToString("F3")))}], true front {TrueHypervolume:F3}";
        TestContext.Current.TestOutputHelper?.WriteLine(detail);
        Assert.True(StudyRunner.Median(nsga) > 0.8 * TrueHypervolume, detail);
        Assert.True(nsga.Min() > 0.6 * TrueHypervolume, detail);
        Assert.True(StudyRunner.Median(nsga) > random.Average() + 0.4, detail);
    }
}
