using EnsembleFarm.Domain.Search;
using EnsembleFarm.SearchProblems;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Search;

public class ParameterImportanceTests
{
    [Fact]
    public void Ranks_the_parameter_that_drives_the_result_first_and_the_ignored_one_last()
    {
        var space = new SearchSpace(
            new ParameterSpec("lr", new FloatDistribution(1e-5, 1, Log: true)),
            new ParameterSpec("dropout", new FloatDistribution(0, 0.5)),
            new ParameterSpec("activation", new CategoricalDistribution("relu", "tanh", "gelu")),
            new ParameterSpec("seed_offset", new FloatDistribution(0, 1)),
            new ParameterSpec("epochs", new FixedDistribution(20)));
        double Loss(IReadOnlyDictionary<string, ParamValue> p) =>
            Math.Pow(Math.Log10(p["lr"].AsDouble()) + 3, 2) + 2 * p["dropout"].AsDouble() + (p["activation"].AsText() == "tanh" ? 0.5 : 0);
        var trials = StudyRunner.Run(new RandomSampler(new() { Seed = 8 }), space, Loss, 60);

        var importance = ParameterImportance.Evaluate(space, trials, [Objective.Minimize("loss")]);

        Assert.Equal(["lr", "dropout", "activation", "seed_offset"], importance.Keys);
        Assert.Equal(1.0, importance.Values.Sum(), 9);
        Assert.True(importance["lr"] > 0.7, string.Join(", ", importance));
        Assert.True(importance["seed_offset"] < 0.02, string.Join(", ", importance));
        Assert.True(importance["dropout"] > importance["seed_offset"] && importance["activation"] > importance["seed_offset"], string.Join(", ", importance));
    }
}
