using EnsembleFarm.Domain.Search;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Store;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Specs;

/// <summary>Kind nas: the architecture block becomes conditional parameters over the built-in trainer's network.</summary>
public class NasSpecTests
{
    private const string Header = "name: n\nkind: nas\nseed: 3\ndataset: {path: d.csv, target: y, task: binary}\n";

    private static SearchSpec Search(string search, string extra = "") => SpecParser.Parse(Header + extra + "search: " + search + "\n", "/specs").Search!;

    private static IReadOnlyList<SpecError> Errors(string search, string extra = "") =>
        Assert.Throws<SpecException>(() => SpecParser.Parse(Header + extra + "search: " + search + "\n", "/specs")).Errors;

    [Fact]
    public void The_architecture_becomes_depth_one_width_per_layer_and_the_chosen_model_fields()
    {
        var space = Search("""
            {trials: 20, architecture: {depth: [1, 4], width: {int: [16, 256], log: true}, activation: [relu, gelu, tanh], dropout: [0.0, 0.5],
             batch_norm: [true, false], residual: [true, false]}}
            """).Space;

        Assert.Equal(
            ["model.depth", "model.width_1", "model.width_2", "model.width_3", "model.width_4", "model.activation", "model.dropout", "model.batch_norm", "model.residual"],
            space.Parameters.Select(p => p.Name));
        Assert.Equal(new IntDistribution(1, 4), space["model.depth"].Distribution);
        Assert.All(Enumerable.Range(1, 4), k => Assert.Equal(new IntDistribution(16, 256, Log: true), space[$"model.width_{k}"].Distribution));
        Assert.Empty(space["model.width_1"].Conditions);
        Assert.All(Enumerable.Range(2, 3), k => Assert.Equal([Condition.AtLeast("model.depth", k)], space[$"model.width_{k}"].Conditions));
        Assert.Equal(new CategoricalDistribution("relu", "gelu", "tanh"), space["model.activation"].Distribution);
        Assert.Equal(new FloatDistribution(0, 0.5), space["model.dropout"].Distribution);
        Assert.Equal(new CategoricalDistribution(true, false), space["model.batch_norm"].Distribution);
        Assert.Equal(new CategoricalDistribution(true, false), space["model.residual"].Distribution);
    }

    [Fact]
    public void A_trial_holds_the_width_of_layer_k_exactly_when_its_depth_is_at_least_k()
    {
        var search = Search("{trials: 60, architecture: {depth: [0, 3], width: [8, 64]}, sampler: random}");
        var sampler = search.CreateSampler();
        var trials = new List<FrozenTrial>();

        for (var n = 0; n < 60; n++)
        {
            var parameters = sampler.Suggest(new SearchContext(search.Space, search.Objectives, trials)).Params;
            var depth = (int)parameters["model.depth"].AsInt();
            Assert.Equal(Enumerable.Range(1, depth).Select(k => $"model.width_{k}"), parameters.Keys.Where(k => k.StartsWith("model.width_", StringComparison.Ordinal)).Order());
            trials.Add(new FrozenTrial(n, TrialState.Completed, parameters) { Values = [n] });
        }
        Assert.Equal([0, 1, 2, 3], trials.Select(t => (int)t.Params["model.depth"].AsInt()).Distinct().Order());
        // Depth 0 is a linear model: even the first width is conditional.
        Assert.Equal([Condition.AtLeast("model.depth", 1)], search.Space["model.width_1"].Conditions);
    }

    [Fact]
    public void A_depth_given_as_a_distribution_adds_widths_up_to_its_largest_value()
    {
        var space = Search("{trials: 5, architecture: {depth: {categorical: [2, 4]}, width: {categorical: [32, 64]}}}").Space;

        Assert.Equal(["model.depth", "model.width_1", "model.width_2", "model.width_3", "model.width_4"], space.Parameters.Select(p => p.Name));
        Assert.Empty(space["model.width_2"].Conditions);
        Assert.Equal([Condition.AtLeast("model.depth", 3)], space["model.width_3"].Conditions);
        Assert.Equal(new CategoricalDistribution(ParamValue.Int(32), ParamValue.Int(64)), space["model.width_3"].Distribution);
    }

    [Fact]
    public void Model_fields_the_architecture_leaves_out_keep_the_base_spec_and_the_space_adds_training_parameters()
    {
        var spec = SpecParser.Parse(Header + """
            model: {activation: tanh, dropout: 0.1}
            search:
              trials: 10
              architecture: {depth: [1, 2], width: [16, 32]}
              space:
                training.optimizer.learning_rate: {float: [1.0e-4, 1.0e-2], log: true}
                model.init: {categorical: [pytorch, he_uniform], when: {model.depth: '>= 2'}}
            """, "/specs");

        Assert.Equal(["model.depth", "model.width_1", "model.width_2", "training.optimizer.learning_rate", "model.init"], spec.Search!.Space.Parameters.Select(p => p.Name));
        Assert.Equal([Condition.AtLeast("model.depth", 2)], spec.Search.Space["model.init"].Conditions);
        Assert.Equal((Models.Nn.Activation.Tanh, 0.1f), (spec.Model.Activation, spec.Model.Dropout));
    }

    [Fact]
    public void Nas_objectives_may_be_the_model_size_and_latency_which_are_minimised_by_default()
    {
        var search = Search("{trials: 5, architecture: {depth: [1, 2], width: [8, 16]}, sampler: nsga2, "
            + "objectives: [{metric: val_auc}, {metric: parameters}, {metric: latency_us}]}");

        Assert.Equal([Objective.Maximize("val_auc"), Objective.Minimize("parameters"), Objective.Minimize("latency_us")], search.Objectives);
        Assert.IsType<NsgaIISampler>(search.CreateSampler());
    }

    public static TheoryData<string, string, string, string> InvalidArchitectures => new()
    {
        { "{trials: 5}", "", "search.architecture",
            "is required: for kind 'nas': the range of depth and width of the hidden layers, e.g. {depth: [1, 4], width: [16, 256]}" },
        { "{trials: 5, architecture: {width: [8, 16]}}", "", "search.architecture.depth", "is required: the range of the number of hidden layers, e.g. [1, 4]" },
        { "{trials: 5, architecture: {depth: [1, 2]}}", "", "search.architecture.width",
            "is required: the range of each hidden layer's width, e.g. {int: [16, 256], log: true}" },
        { "{trials: 5, architecture: {depth: [1, 2], width: [8, 16], activations: [relu]}}", "", "search.architecture.activations",
            "unknown field 'activations'; did you mean 'activation'?" },
        { "{trials: 5, architecture: {depth: [1, 65], width: [8, 16]}}", "", "search.architecture.depth[1]", "must be a whole number from 0 to 64, got '65'" },
        { "{trials: 5, architecture: {depth: 3, width: [8, 16]}}", "", "search.architecture.depth",
            "must be a range [low, high] or a distribution such as {int: [low, high], log: true}, got '3'" },
        { "{trials: 5, architecture: {depth: [1, 2], width: [8, 16], activation: relu}}", "", "search.architecture.activation",
            "must be a list of choices or a distribution such as {categorical: [...]}, got 'relu'" },
        { "{trials: 5, architecture: {depth: [1, 2], width: {float: [8, 16]}}}", "", "search.architecture.width.float",
            "each model.width_k takes a whole number from 1 to 65536, so search it with int, categorical or fixed" },
        { "{trials: 5, architecture: {depth: [1, 2], width: [8, 0]}}", "", "search.architecture.width[1]", "must be a whole number from 1 to 65536, got '0'" },
        { "{trials: 5, architecture: {depth: [1, 2], width: [8, 16], dropout: [0, 1]}}", "", "search.architecture.dropout[1]", "must be a number in [0, 1), got '1'" },
        { "{trials: 5, architecture: {depth: [1, 2], width: [8, 16], activation: [relu, gelo]}}", "", "search.architecture.activation[1]",
            "must be one of: relu, leaky_relu, tanh, sigmoid, gelu; got 'gelo'; did you mean 'gelu'?" },
        { "{trials: 5, architecture: {depth: [1, 2], width: {int: [8, 16], when: {model.depth: 2}}}}", "", "search.architecture.width.when",
            "unknown field 'when'; allowed here: float, int, categorical, fixed, log, step" },
        // one distribution for every layer's width: its error is said once
        { "{trials: 5, architecture: {depth: [1, 3], width: [16, 8]}}", "", "search.architecture.width", "low must not be above high, got low 16 > high 8" },
        { "{trials: 5, architecture: {depth: [3, 1], width: [8, 16]}}", "", "search.architecture.depth", "low must not be above high, got low 3 > high 1" },
        { "{trials: 5, architecture: {depth: [1, 2], width: [8, 16]}, space: {model.hidden: {categorical: [[8]]}}}", "", "search.space.model.hidden",
            "a nas campaign's hidden layers come from search.architecture (depth and width)" },
        { "{trials: 5, architecture: {depth: [1, 2], width: [8, 16], activation: [relu, tanh]}, space: {model.activation: {categorical: [gelu]}}}", "",
            "search.space.model.activation", "is searched by search.architecture.activation already; give it there only" },
        { "{trials: 5, architecture: {depth: [1, 2], width: [8, 16]}, objectives: [{metric: parameter}]}", "", "search.objectives[0].metric",
            "must be an epoch metric of task 'binary' (val_loss, val_accuracy, val_auc, val_pr_auc, val_log_loss, val_brier, val_ece, train_loss), parameters or latency_us; "
            + "got 'parameter'; did you mean 'parameters'?" },
        { "{trials: 5, architecture: {depth: [1, 2], width: [8, 16]}, objectives: [{metric: parameters}], pruner: median}", "", "search.pruner",
            "needs an objective reported every epoch; 'parameters' is measured once a trial has trained" },
        { "{trials: 5, architecture: {depth: [1, 2], width: [8, 16]}}", "ensemble: {members: 2}\n", "ensemble",
            "applies only to kind 'ensemble' (kind is 'nas'); a search's trials validate on search.validation_fraction" },
    };

    [Theory]
    [MemberData(nameof(InvalidArchitectures))]
    public void A_wrong_architecture_is_refused_with_the_field_and_what_is_allowed(string search, string extra, string path, string message)
    {
        var error = Assert.Single(Errors(search, extra));

        Assert.Equal((path, message), (error.Path, error.Message));
    }
}
