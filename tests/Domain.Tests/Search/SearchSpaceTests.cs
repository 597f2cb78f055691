using EnsembleFarm.Domain.Search;
using EnsembleFarm.SearchProblems;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Search;

public class SearchSpaceTests
{
    private static SearchSpaceException Refused(params ParameterSpec[] parameters) =>
        Assert.Throws<SearchSpaceException>(() => new SearchSpace(parameters));

    [Fact]
    public void A_space_with_many_mistakes_lists_every_one_with_its_parameter()
    {
        var error = Refused(
            new ParameterSpec("a", new FloatDistribution(1, 0)),
            new ParameterSpec("b", new FloatDistribution(2, 2)),
            new ParameterSpec("lr", new FloatDistribution(0, 1, Log: true)),
            new ParameterSpec("width", new IntDistribution(0, 64, Log: true)),
            new ParameterSpec("c", new CategoricalDistribution()),
            new ParameterSpec("w", new IntDistribution(8, 64), [Condition.AtLeast("depht", 2)]));

        Assert.Equal(6, error.Errors.Count);
        Assert.Contains(error.Errors, e => e.Parameter == "a" && e.Message.Contains("low must not be above high, got low 1 > high 0"));
        Assert.Contains(error.Errors, e => e.Parameter == "b" && e.Message.Contains("empty range") && e.Message.Contains("fixed value"));
        Assert.Contains(error.Errors, e => e.Parameter == "lr" && e.Message.Contains("a log scale needs low > 0, got low 0"));
        Assert.Contains(error.Errors, e => e.Parameter == "width" && e.Message.Contains("a log scale needs low >= 1"));
        Assert.Contains(error.Errors, e => e.Parameter == "c" && e.Message.Contains("at least one choice"));
        Assert.Contains(error.Errors, e => e.Parameter == "w" && e.Message.Contains("unknown parameter 'depht'") && e.Message.Contains("parameters: a, b, lr, width, c, w"));
        Assert.StartsWith("The search space has 6 errors:", error.Message);
    }

    [Fact]
    public void Conditions_that_form_a_cycle_are_refused_with_the_cycle()
    {
        var error = Refused(
            new ParameterSpec("a", new IntDistribution(1, 3), [Condition.AtLeast("b", 2)]),
            new ParameterSpec("b", new IntDistribution(1, 3), [Condition.AtLeast("c", 2)]),
            new ParameterSpec("c", new IntDistribution(1, 3), [Condition.AtLeast("a", 2)]));

        var cycle = Assert.Single(error.Errors);
        Assert.Equal("conditions form a cycle: a -> b -> c -> a (each needs the next to be decided first)", cycle.Message);
    }

    [Fact]
    public void A_condition_on_itself_a_duplicate_name_and_bad_steps_are_refused()
    {
        var error = Refused(
            new ParameterSpec("a", new IntDistribution(1, 3), [Condition.AtLeast("a", 2)]),
            new ParameterSpec("a", new IntDistribution(1, 9, Step: 3)),
            new ParameterSpec("f", new FloatDistribution(0, 1, Step: 0.3)),
            new ParameterSpec("g", new FloatDistribution(1, 10, Log: true, Step: 1)));

        Assert.Contains(error.Errors, e => e.Message.Contains("refers to the parameter itself"));
        Assert.Contains(error.Errors, e => e.Message.Contains("used by more than one parameter"));
        Assert.Contains(error.Errors, e => e.Message.Contains("high - low (8) must be a multiple of step 3"));
        Assert.Contains(error.Errors, e => e.Message.Contains("must be a multiple of step 0.3"));
        Assert.Contains(error.Errors, e => e.Message.Contains("step and log cannot be used together"));
    }

    [Fact]
    public void Conditions_that_cannot_make_sense_are_refused()
    {
        var error = Refused(
            new ParameterSpec("optimizer", new CategoricalDistribution("sgd", "adam")),
            new ParameterSpec("depth", new IntDistribution(1, 4)),
            new ParameterSpec("momentum", new FloatDistribution(0, 1), [Condition.AtLeast("optimizer", 1)]),
            new ParameterSpec("beta", new FloatDistribution(0, 1), [Condition.Equal("optimizer", "adamw")]),
            new ParameterSpec("width_9", new IntDistribution(8, 64), [Condition.AtLeast("depth", 9)]));

        Assert.Contains(error.Errors, e => e.Parameter == "momentum" && e.Message.Contains("compares with >= but optimizer is not a number"));
        Assert.Contains(error.Errors, e => e.Parameter == "beta" && e.Message.Contains("adamw is not a possible value of optimizer"));
        Assert.Contains(error.Errors, e => e.Parameter == "width_9" && e.Message.Contains("can never hold: depth is int from 1 to 4"));
    }

    [Fact]
    public void Parameters_are_ordered_parents_first_otherwise_as_declared()
    {
        var space = new SearchSpace(
            new ParameterSpec("width_2", new IntDistribution(8, 64), [Condition.AtLeast("depth", 2)]),
            new ParameterSpec("lr", new FloatDistribution(1e-4, 1, Log: true)),
            new ParameterSpec("depth", new IntDistribution(1, 3)));

        Assert.Equal(["lr", "depth", "width_2"], space.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void Resolve_gives_a_conditional_parameter_exactly_when_its_chain_of_conditions_holds()
    {
        var space = new SearchSpace(
            new ParameterSpec("optimizer", new CategoricalDistribution("sgd", "adam")),
            new ParameterSpec("momentum", new FloatDistribution(0, 1), [Condition.Equal("optimizer", "sgd")]),
            new ParameterSpec("nesterov", new CategoricalDistribution(true, false), [Condition.Greater("momentum", 0.5)]));

        IReadOnlyDictionary<string, ParamValue> With(string optimizer, double momentum) => space.Resolve((p, _) => p.Name switch
        {
            "optimizer" => optimizer,
            "momentum" => momentum,
            _ => true,
        });

        Assert.Equal(["optimizer"], With("adam", 0.9).Keys);
        Assert.Equal(["optimizer", "momentum"], With("sgd", 0.2).Keys);
        Assert.Equal(["optimizer", "momentum", "nesterov"], With("sgd", 0.9).Keys);
        Assert.Empty(space.Check(With("sgd", 0.9)));
    }

    [Fact]
    public void Check_names_what_does_not_belong_to_the_space()
    {
        var space = TestFunctions.ArchitectureSpace;
        var problems = space.Check(new Dictionary<string, ParamValue>
        {
            ["depth"] = 2,
            ["width_1"] = 64,
            ["width_3"] = 32,
            ["activation"] = "swish",
            ["dropout"] = 0.1,
            ["epochs"] = 3,
        });

        Assert.Equal(
            [
                "epochs: not a parameter of the search space",
                "width_2: missing although active",
                "width_3: present although inactive (depth >= 3 does not hold)",
                "activation: swish is not in one of [relu, tanh, gelu]",
            ],
            problems);
    }

    [Fact]
    public void Unit_coordinates_round_trip_and_are_uniform_in_each_distribution_s_own_sense()
    {
        var lr = new FloatDistribution(1e-4, 1, Log: true);
        Assert.Equal(1e-2, lr.FromUnit(0.5).AsDouble(), 12);
        Assert.Equal(0.5, lr.ToUnit(1e-2), 12);

        var stepped = new FloatDistribution(0, 1, Step: 0.25);
        Assert.Equal(new[] { 0, 0.25, 0.5, 0.75, 1 }, Enumerable.Range(0, 5).Select(i => stepped.FromUnit((i + 0.5) / 5).AsDouble()));

        var width = new IntDistribution(8, 512, Log: true);
        foreach (var v in new long[] { 8, 9, 63, 64, 65, 511, 512 }) Assert.Equal(v, width.FromUnit(width.ToUnit(v)).AsInt());
        // Log-uniform: as many draws below 64 (the geometric middle) as above.
        var below = Enumerable.Range(0, 1000).Count(i => width.FromUnit((i + 0.5) / 1000).AsInt() < 64);
        Assert.InRange(below, 480, 520);

        var evens = new IntDistribution(2, 10, Step: 2);
        Assert.Equal(new long[] { 2, 4, 6, 8, 10 }, Enumerable.Range(0, 5).Select(i => evens.FromUnit((i + 0.5) / 5).AsInt()));
        Assert.False(evens.Contains(3));

        var choice = new CategoricalDistribution("a", 1, true);
        Assert.Equal([ParamValue.Text("a"), ParamValue.Int(1), ParamValue.Bool(true)], Enumerable.Range(0, 3).Select(i => choice.FromUnit(choice.ToUnit(choice.Choices[i]))));
        Assert.True(choice.Contains(1.0));
    }

    [Fact]
    public void Numbers_compare_by_value_whatever_their_kind()
    {
        Assert.True(ParamValue.Int(3).SameAs(3.0));
        Assert.False(ParamValue.Text("3").SameAs(3));
        Assert.True(Condition.Equal("depth", 2).IsSatisfiedBy(2.0));
        Assert.Equal("depth >= 2", Condition.AtLeast("depth", 2).ToString());
        Assert.Equal("act in [relu, gelu]", Condition.Equal("act", "relu", "gelu").ToString());
    }

    [Fact]
    public void A_fixed_parameter_is_in_every_assignment()
    {
        var space = new SearchSpace(
            new ParameterSpec("lr", new FloatDistribution(1e-4, 1, Log: true)),
            new ParameterSpec("epochs", new FixedDistribution(30)));
        var values = new RandomSampler().Suggest(new SearchContext(space, [Objective.Minimize("loss")], [])).Params;

        Assert.Equal(30, values["epochs"].AsInt());
    }
}
