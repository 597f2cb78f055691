using EnsembleFarm.Domain.Search;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Models;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Specs;

/// <summary>The <c>search:</c> block of kind search: what it builds, and every way it is refused.</summary>
public class SearchSpecTests
{
    private const string Header = "name: s\nkind: search\nseed: 5\ndataset: {path: d.csv, target: y, task: binary}\n";
    private const string LearningRate = "training.optimizer.learning_rate: {float: [1.0e-4, 0.1], log: true}";

    /// <summary>A search spec whose search block holds <paramref name="fields"/> (YAML lines under "search:"), after <paramref name="extra"/> top-level blocks.</summary>
    private static string Yaml(string fields, string extra = "", string header = Header) =>
        header + extra + "search:\n" + string.Concat(fields.Split('\n').Where(l => l.Length > 0).Select(l => $"  {l}\n"));

    private static CampaignSpec Parse(string fields, string extra = "") => SpecParser.Parse(Yaml(fields, extra), "/specs");

    private static SearchSpec Search(string fields, string extra = "") => Parse(fields, extra).Search!;

    private static ParameterSpec Parameter(string space, string name) => Search($"trials: 10\nspace:\n  {space}").Space[name];

    [Fact]
    public void A_minimal_search_takes_the_documented_defaults_and_keeps_the_other_blocks_as_its_base()
    {
        var spec = Parse($"trials: 20\nspace: {{{LearningRate}}}", "model: {hidden: [8]}\n");

        Assert.Equal(CampaignKind.Search, spec.Kind);
        Assert.Equal("search", spec.KindName);
        Assert.Null(spec.Ensemble);
        Assert.Equal([8], spec.Model.Hidden);
        var search = spec.Search!;
        Assert.Equal(new SearchBudget(20), search.Budget);
        Assert.Equal([Objective.Minimize("val_loss")], search.Objectives);
        Assert.Equal("tpe", search.Sampler.Name);
        Assert.Equal(new TpeSamplerOptions { Seed = search.Sampler.Options is TpeSamplerOptions { Seed: var seed } ? seed : 0 }, search.Sampler.Options);
        Assert.IsType<TpeSampler>(search.CreateSampler());
        Assert.Null(search.Pruner);
        Assert.Null(search.CreatePruner());
        Assert.Empty(search.Enqueued);
        Assert.Equal(0.2, search.ValidationFraction);
        Assert.True(search.Stratified);
        Assert.Equal(["training.optimizer.learning_rate"], search.Space.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void Every_distribution_kind_maps_to_the_library_and_keeps_the_field_value_type()
    {
        var space = Search("""
            trials: 10
            space:
              training.optimizer.learning_rate: {float: [1.0e-4, 1.0e-1], log: true}
              training.optimizer.weight_decay: {float: [0, 0.01], step: 0.001}
              training.batch_size: {int: [32, 512], log: true}
              training.epochs: {int: [10, 50], step: 10}
              training.optimizer.name: {categorical: [adam, adamw, sgd]}
              model.hidden: {categorical: [[64, 64], [128], []]}
              model.batch_norm: {categorical: [true, false]}
              model.dropout: {fixed: 0.1}
              model.init: {fixed: he_uniform}
            """).Space;

        Assert.Equal(new FloatDistribution(1e-4, 0.1, Log: true), space["training.optimizer.learning_rate"].Distribution);
        Assert.Equal(new FloatDistribution(0, 0.01, Step: 0.001), space["training.optimizer.weight_decay"].Distribution);
        Assert.Equal(new IntDistribution(32, 512, Log: true), space["training.batch_size"].Distribution);
        Assert.Equal(new IntDistribution(10, 50, Step: 10), space["training.epochs"].Distribution);
        Assert.Equal(new CategoricalDistribution("adam", "adamw", "sgd"), space["training.optimizer.name"].Distribution);
        Assert.Equal(new CategoricalDistribution("[64, 64]", "[128]", "[]"), space["model.hidden"].Distribution);
        Assert.Equal(new CategoricalDistribution(true, false), space["model.batch_norm"].Distribution);
        Assert.Equal(new FixedDistribution(ParamValue.Float(0.1)), space["model.dropout"].Distribution);
        Assert.Equal(new FixedDistribution("he_uniform"), space["model.init"].Distribution);
        Assert.All(space.Parameters, p => Assert.False(p.IsConditional));
    }

    [Fact]
    public void Whole_number_fields_hold_ints_and_number_fields_floats_whatever_the_yaml_looks_like()
    {
        Assert.Equal(new CategoricalDistribution(ParamValue.Int(64), ParamValue.Int(128)), Parameter("training.batch_size: {categorical: [64, 128]}", "training.batch_size").Distribution);
        Assert.Equal(new CategoricalDistribution(ParamValue.Float(1), ParamValue.Float(0.5)), Parameter("training.gradient_clip: {categorical: [1, 0.5]}", "training.gradient_clip").Distribution);
    }

    [Fact]
    public void Conditions_test_equality_a_list_of_values_or_a_comparison_and_all_must_hold()
    {
        var space = Search("""
            trials: 10
            space:
              training.optimizer.weight_decay: {float: [0, 0.01], when: {training.optimizer.name: adamw}}
              training.optimizer.name: {categorical: [adam, adamw, sgd]}
              training.optimizer.momentum: {float: [0, 0.9], when: {training.optimizer.name: [sgd]}}
              model.hidden: {categorical: [[64], [64, 64], [32, 32, 32]]}
              model.residual: {categorical: [true, false], when: {model.hidden: [[64, 64], [32, 32, 32]], training.batch_size: ">= 64"}}
              model.batch_norm: {categorical: [true, false], when: {model.hidden: [64, 64]}}
              training.batch_size: {int: [16, 256]}
              model.dropout: {float: [0, 0.5], when: {training.batch_size: "!= 16"}}
            """).Space;

        Assert.Equal([Condition.Equal("training.optimizer.name", "adamw")], space["training.optimizer.weight_decay"].Conditions);
        Assert.Equal([Condition.Equal("training.optimizer.name", "sgd")], space["training.optimizer.momentum"].Conditions);
        Assert.Equal([Condition.Equal("model.hidden", "[64, 64]", "[32, 32, 32]"), Condition.AtLeast("training.batch_size", 64)], space["model.residual"].Conditions);
        Assert.Equal([Condition.Equal("model.hidden", "[64, 64]")], space["model.batch_norm"].Conditions);
        Assert.Equal([Condition.NotEqual("training.batch_size", 16.0)], space["model.dropout"].Conditions);
        // Parents come before the parameters whose conditions test them, whatever the order of the file.
        Assert.True(space.IndexOf("training.optimizer.name") < space.IndexOf("training.optimizer.weight_decay"));
        Assert.True(space.IndexOf("training.batch_size") < space.IndexOf("model.residual"));
    }

    [Theory]
    [InlineData("<", ConditionOperator.Less)]
    [InlineData("<=", ConditionOperator.LessOrEqual)]
    [InlineData(">", ConditionOperator.Greater)]
    [InlineData(">=", ConditionOperator.GreaterOrEqual)]
    [InlineData("==", ConditionOperator.Equal)]
    [InlineData("!=", ConditionOperator.NotEqual)]
    public void Every_comparison_operator_takes_a_number(string op, ConditionOperator expected)
    {
        var parameter = Search($"trials: 3\nspace:\n  training.epochs: {{int: [1, 9]}}\n  model.dropout: {{float: [0, 0.5], when: {{training.epochs: '{op} 4'}}}}").Space["model.dropout"];

        Assert.Equal(new Condition("training.epochs", expected, [4.0]), Assert.Single(parameter.Conditions));
    }

    [Fact]
    public void Objectives_take_their_direction_or_infer_it_from_the_metric_name()
    {
        var search = Search($$"""
            trials: 5
            space: {{{LearningRate}}}
            objectives:
              - {metric: val_auc}
              - {metric: val_log_loss}
              - {metric: train_loss}
              - {metric: val_brier, direction: maximize}
            sampler: nsga2
            """);

        Assert.Equal(
            [Objective.Maximize("val_auc"), Objective.Minimize("val_log_loss"), Objective.Minimize("train_loss"), Objective.Maximize("val_brier")],
            search.Objectives);
    }

    [Fact]
    public void The_budget_fields_read_their_numbers_and_durations()
    {
        var budget = Search($"trials: 50\ntime_limit: 1.5h\nparallelism: 4\nstop_after_no_improvement: 20\nspace: {{{LearningRate}}}").Budget;

        Assert.Equal(new SearchBudget(50, TimeSpan.FromMinutes(90), 4, 20), budget);
        Assert.Equal(TimeSpan.FromSeconds(90), Search($"trials: 1\ntime_limit: 90s\nspace: {{{LearningRate}}}").Budget.TimeLimit);
        Assert.Equal(TimeSpan.FromMinutes(30), Search($"trials: 1\ntime_limit: 30m\nspace: {{{LearningRate}}}").Budget.TimeLimit);
        Assert.Equal(TimeSpan.FromDays(2), Search($"trials: 1\ntime_limit: 2d\nspace: {{{LearningRate}}}").Budget.TimeLimit);
    }

    [Fact]
    public void The_validation_part_is_the_search_s_own_and_unstratified_for_regression()
    {
        var search = Search($"trials: 3\nvalidation_fraction: 0.3\nstratified: false\nspace: {{{LearningRate}}}");
        var regression = SpecParser.Parse(Yaml($"trials: 3\nspace: {{{LearningRate}}}",
            header: "name: r\nkind: search\ndataset: {path: d.csv, target: y, task: regression}\n"), "/specs").Search!;

        Assert.Equal((0.3, false), (search.ValidationFraction, search.Stratified));
        Assert.False(regression.Stratified);
    }

    [Fact]
    public void Enqueued_configurations_are_typed_by_their_fields_and_kept_in_order()
    {
        var search = Search("""
            trials: 10
            space:
              training.optimizer.name: {categorical: [adam, sgd]}
              training.optimizer.momentum: {float: [0, 0.9], when: {training.optimizer.name: sgd}}
              training.batch_size: {int: [32, 512], log: true}
              model.hidden: {categorical: [[64, 64], [128]]}
            enqueue:
              - {training.optimizer.name: adam, training.batch_size: 128, model.hidden: [64, 64]}
              - {training.optimizer.name: sgd, training.optimizer.momentum: 0.9, training.batch_size: 64, model.hidden: [128]}
            """);

        Assert.Equal(2, search.Enqueued.Count);
        Assert.Equal(new Dictionary<string, ParamValue>
        {
            ["training.optimizer.name"] = "adam", ["training.batch_size"] = ParamValue.Int(128), ["model.hidden"] = "[64, 64]",
        }, search.Enqueued[0]);
        Assert.Equal(ParamValue.Float(0.9), search.Enqueued[1]["training.optimizer.momentum"]);
        Assert.All(search.Enqueued, c => Assert.Empty(search.Space.Check(c)));
    }

    [Fact]
    public void The_sampler_seed_is_its_own_or_derived_from_the_campaign_seed()
    {
        var given = Search($"trials: 3\nsampler: {{name: random, seed: 42}}\nspace: {{{LearningRate}}}").Sampler.Options;
        var derived = (RandomSamplerOptions)Search($"trials: 3\nsampler: random\nspace: {{{LearningRate}}}").Sampler.Options;
        var otherCampaign = (RandomSamplerOptions)SpecParser.Parse(
            Yaml($"trials: 3\nsampler: random\nspace: {{{LearningRate}}}", header: Header.Replace("seed: 5", "seed: 6")), "/specs").Search!.Sampler.Options;

        Assert.Equal(new RandomSamplerOptions { Seed = 42 }, given);
        Assert.NotEqual(5UL, derived.Seed);
        Assert.NotEqual(derived.Seed, otherCampaign.Seed);
        Assert.Equal(derived, Search($"trials: 3\nsampler: random\nspace: {{{LearningRate}}}").Sampler.Options);
    }

    public static TheoryData<string, object> SamplerOptions => new()
    {
        { "{name: tpe, seed: 1, n_startup_trials: 5, n_ei_candidates: 12, gamma: 0.2, max_good_trials: 10, prior_weight: 0.5, multivariate: false, constant_liar: false, bandwidth: scott}",
            new TpeSamplerOptions { Seed = 1, NStartupTrials = 5, NEiCandidates = 12, Gamma = 0.2, MaxGoodTrials = 10, PriorWeight = 0.5, Multivariate = false, ConstantLiar = false, Bandwidth = TpeBandwidth.Scott } },
        { "{name: random, seed: 1}", new RandomSamplerOptions { Seed = 1 } },
        { "{name: sobol, seed: 1, scramble: false}", new SobolSamplerOptions { Seed = 1, Scramble = false } },
        { "{name: gp, seed: 1, n_startup_trials: 4, constant_liar: mean, n_preliminary_samples: 64, n_local_search: 2, fit_iterations: 20, max_observations: 50}",
            new GpSamplerOptions { Seed = 1, NStartupTrials = 4, ConstantLiar = ConstantLiar.Mean, NPreliminarySamples = 64, NLocalSearch = 2, FitIterations = 20, MaxObservations = 50 } },
        { "{name: cmaes, seed: 1, sigma0: 0.3, population_size: 8, restart_strategy: none, inc_popsize: 3, tol_x: 1.0e-5, tol_fun: 1.0e-10}",
            new CmaEsSamplerOptions { Seed = 1, Sigma0 = 0.3, PopulationSize = 8, RestartStrategy = CmaRestartStrategy.None, IncPopsize = 3, TolX = 1e-5, TolFun = 1e-10 } },
        { "{name: regularized_evolution, seed: 1, population_size: 10, sample_size: 3, mutation_scale: 0.2}",
            new RegularizedEvolutionSamplerOptions { Seed = 1, PopulationSize = 10, SampleSize = 3, MutationScale = 0.2 } },
        { "{name: nsga2, seed: 1, population_size: 20, crossover_prob: 0.8, mutation_prob: 0.1, swapping_prob: 0.4, crossover_eta: 15, mutation_eta: 10}",
            new NsgaIISamplerOptions { Seed = 1, PopulationSize = 20, CrossoverProb = 0.8, MutationProb = 0.1, SwappingProb = 0.4, CrossoverEta = 15, MutationEta = 10 } },
    };

    [Theory]
    [MemberData(nameof(SamplerOptions))]
    public void Every_sampler_option_maps_one_to_one_to_its_options_record_and_the_sampler_builds(string sampler, object options)
    {
        var search = Search($"trials: 3\nsampler: {sampler}\nspace: {{{LearningRate}}}");

        Assert.Equal(options, search.Sampler.Options);
        Assert.Equal(options.GetType().Name.Replace("Options", ""), search.CreateSampler().GetType().Name);
    }

    [Fact]
    public void Grid_values_name_parameters_of_the_space_with_values_of_their_fields()
    {
        var options = (GridSamplerOptions)Search("""
            trials: 8
            sampler: {name: grid, seed: 1, points_per_dimension: 3, shuffle: false, values: {training.batch_size: [64, 256], model.activation: [relu, tanh]}}
            space:
              training.batch_size: {int: [32, 512], log: true}
              model.activation: {categorical: [relu, gelu, tanh]}
            """).Sampler.Options;

        Assert.Equal((1UL, 3, false), (options.Seed, options.PointsPerDimension, options.Shuffle));
        Assert.Equal([ParamValue.Int(64), ParamValue.Int(256)], options.Values!["training.batch_size"]);
        Assert.Equal([ParamValue.Text("relu"), ParamValue.Text("tanh")], options.Values["model.activation"]);
    }

    public static TheoryData<string, object> PrunerOptions => new()
    {
        { "median", new MedianPrunerOptions() },
        { "{name: median, n_startup_trials: 3, n_warmup_steps: 5, interval_steps: 2, n_min_trials: 4}",
            new MedianPrunerOptions { NStartupTrials = 3, NWarmupSteps = 5, IntervalSteps = 2, NMinTrials = 4 } },
        { "{name: percentile, percentile: 10, n_startup_trials: 3, n_warmup_steps: 5, interval_steps: 2, n_min_trials: 4}",
            new PercentilePrunerOptions { Percentile = 10, NStartupTrials = 3, NWarmupSteps = 5, IntervalSteps = 2, NMinTrials = 4 } },
        { "{name: successive_halving, min_resource: 2, reduction_factor: 3, min_early_stopping_rate: 1, bootstrap_count: 2}",
            new SuccessiveHalvingPrunerOptions { MinResource = 2, ReductionFactor = 3, MinEarlyStoppingRate = 1, BootstrapCount = 2 } },
        { "{name: hyperband, min_resource: 2, max_resource: 27, reduction_factor: 3, bootstrap_count: 1, seed: 9}",
            new HyperbandPrunerOptions { MinResource = 2, MaxResource = 27, ReductionFactor = 3, BootstrapCount = 1, Seed = 9 } },
    };

    [Theory]
    [MemberData(nameof(PrunerOptions))]
    public void Every_pruner_option_maps_one_to_one_to_its_options_record_and_the_pruner_builds(string pruner, object options)
    {
        var search = Search($"trials: 3\npruner: {pruner}\nspace: {{{LearningRate}}}");

        Assert.Equal(options, search.Pruner!.Options);
        Assert.Equal(options.GetType().Name.Replace("Options", ""), search.CreatePruner()!.GetType().Name);
    }

    [Fact]
    public void Hyperband_runs_up_to_the_base_training_epochs_unless_told()
    {
        var options = (HyperbandPrunerOptions)Search($"trials: 3\npruner: hyperband\nspace: {{{LearningRate}}}", "training: {epochs: 40}\n").Pruner!.Options;

        Assert.Equal(40, options.MaxResource);
        Assert.NotEqual(0UL, options.Seed);
    }

    [Fact]
    public void A_search_spec_reads_the_same_every_time()
    {
        var yaml = $"trials: 3\nspace: {{{LearningRate}}}";

        Assert.Equal(Search(yaml).Sampler, Search(yaml).Sampler);
    }

    public static TheoryData<string, string, string, string> InvalidSearches => new()
    {
        // the block and the kinds
        { "", Header, "search", "is required: for kind 'search': the space to search, the number of trials and the objectives" },
        { "", Header.Replace("kind: search", "kind: nas"), "search", "is required: for kind 'nas': the space to search, the number of trials and the objectives" },
        { "ensemble: {members: 3}\nsearch: {trials: 3, space: {model.dropout: {fixed: 0.1}}}\n", Header, "ensemble", "applies only to kind 'ensemble' (kind is 'search'); a search's trials validate on search.validation_fraction" },
        { "search: 3\n", Header, "search", "must be a mapping of fields, got '3'" },
        { "search: {trials: 3, space: {model.dropout: {fixed: 0.1}}, samplr: tpe}\n", Header, "search.samplr", "unknown field 'samplr'; did you mean 'sampler'?" },
        { "search: {trials: 3, space: {model.dropout: {fixed: 0.1}}, architecture: {depth: [1, 2], width: [8, 16]}}\n", Header, "search.architecture",
            "applies only to kind 'nas' (kind is 'search'); a search varies model.hidden in search.space" },
        // the budget
        { "search: {space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.trials", "is required: how many trials to run in all, a whole number from 1 to 100000" },
        { "search: {trials: 0, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.trials", "must be a whole number from 1 to 100000, got '0'" },
        { "search: {trials: 3, time_limit: 2x, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.time_limit",
            "must be a duration up to 10 years: a number > 0 and a unit, s, m, h or d (90s, 30m, 1.5h, 2d), got '2x'" },
        { "search: {trials: 3, time_limit: 0m, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.time_limit",
            "must be a duration up to 10 years: a number > 0 and a unit, s, m, h or d (90s, 30m, 1.5h, 2d), got '0m'" },
        { "search: {trials: 3, time_limit: 120, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.time_limit",
            "must be a duration up to 10 years: a number > 0 and a unit, s, m, h or d (90s, 30m, 1.5h, 2d), got '120'" },
        { "search: {trials: 3, parallelism: 0, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.parallelism", "must be a whole number from 1 to 100000, got '0'" },
        { "search: {trials: 3, stop_after_no_improvement: -1, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.stop_after_no_improvement",
            "must be a whole number from 1 to 100000, got '-1'" },
        { "search: {trials: 3, stop_after_no_improvement: 5, objectives: [{metric: val_auc}, {metric: val_loss}], space: {model.dropout: {fixed: 0.1}}}\n", Header,
            "search.stop_after_no_improvement", "needs a single objective (search.objectives has 2): with several, no one trial is the best" },
        { "search: {trials: 3, validation_fraction: 1, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.validation_fraction", "must be a number in (0, 1), got '1'" },
        { "search: {trials: 3, stratified: true, space: {model.dropout: {fixed: 0.1}}}\n", Header.Replace("task: binary", "task: regression"), "search.stratified",
            "needs class labels; task 'regression' allows only false" },
        // objectives
        { "search: {trials: 3, objectives: val_auc, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.objectives",
            "must be a list of objectives ({metric: val_loss, direction: minimize}), got 'val_auc'" },
        { "search: {trials: 3, objectives: [], space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.objectives",
            "must list at least one objective (leave the field out to minimize val_loss)" },
        { "search: {trials: 3, objectives: [val_auc], space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.objectives[0]",
            "must be an objective: {metric: ..., direction: minimize or maximize}, got 'val_auc'" },
        { "search: {trials: 3, objectives: [{direction: maximize}], space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.objectives[0].metric",
            "is required: an epoch metric of the task, such as val_loss or val_auc" },
        { "search: {trials: 3, objectives: [{metric: val_aucc}], space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.objectives[0].metric",
            "must be an epoch metric of task 'binary': val_loss, val_accuracy, val_auc, val_pr_auc, val_log_loss, val_brier, val_ece, train_loss; got 'val_aucc'; did you mean 'val_auc'?" },
        { "search: {trials: 3, objectives: [{metric: parameters}], space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.objectives[0].metric",
            "must be an epoch metric of task 'binary': val_loss, val_accuracy, val_auc, val_pr_auc, val_log_loss, val_brier, val_ece, train_loss; got 'parameters' (parameters and latency_us are objectives of kind 'nas')" },
        { "search: {trials: 3, objectives: [{metric: val_auc, direction: up}], space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.objectives[0].direction",
            "must be one of: minimize, maximize; got 'up'" },
        { "search: {trials: 3, objectives: [{metric: val_auc, goal: max}], space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.objectives[0].goal",
            "unknown field 'goal'; allowed here: metric, direction" },
        { "search: {trials: 3, objectives: [{metric: val_auc}, {metric: val_auc, direction: minimize}], space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.objectives[1]",
            "'val_auc' is already an objective; each metric is one objective" },
        { "search: {trials: 3, objectives: [{metric: val_auc}, {metric: val_loss}], sampler: gp, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.objectives",
            "has 2 objectives, but sampler 'gp' optimises one; for several use tpe, nsga2, random, grid or sobol" },
        { "search: {trials: 3, objectives: [{metric: val_auc}, {metric: val_loss}], sampler: {name: cmaes}, space: {model.dropout: {float: [0, 0.5]}}}\n", Header, "search.objectives",
            "has 2 objectives, but sampler 'cmaes' optimises one; for several use tpe, nsga2, random, grid or sobol" },
        { "search: {trials: 3, objectives: [{metric: val_auc}, {metric: val_loss}], sampler: regularized_evolution, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.objectives",
            "has 2 objectives, but sampler 'regularized_evolution' optimises one; for several use tpe, nsga2, random, grid or sobol" },
        { "search: {trials: 3, objectives: [{metric: val_auc}, {metric: val_loss}], pruner: median, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.pruner",
            "needs a single objective to compare learning curves on; search.objectives has 2" },
        // the space
        { "search: {trials: 3}\n", Header, "search.space",
            "is required: the fields to search, each with its distribution, e.g. {training.optimizer.learning_rate: {float: [1.0e-4, 0.1], log: true}}" },
        { "search: {trials: 3, space: {}}\n", Header, "search.space", "must name at least one field to search" },
        { "search: {trials: 3, space: [model.dropout]}\n", Header, "search.space", "must be a mapping of fields, got a list" },
        { "search: {trials: 3, space: {training.optimizer.learning_rat: {float: [0.001, 0.1]}}}\n", Header, "search.space.training.optimizer.learning_rat",
            "not a searchable field; did you mean 'training.optimizer.learning_rate'?" },
        { "search: {trials: 3, space: {training.threads: {int: [1, 2]}}}\n", Header, "search.space.training.threads",
            "not a searchable field; searchable in training: optimizer.learning_rate, optimizer.name, optimizer.weight_decay, optimizer.momentum, batch_size, "
            + "epochs, loss.focal_gamma, gradient_clip, fgsm_epsilon, early_stopping.patience" },
        { "search: {trials: 3, space: {ensemble.members: {int: [1, 2]}}}\n", Header, "search.space.ensemble.members",
            "not a searchable field; searchable: training.optimizer.learning_rate, training.optimizer.name, training.optimizer.weight_decay, training.optimizer.momentum, "
            + "training.batch_size, training.epochs, training.loss.focal_gamma, training.gradient_clip, training.fgsm_epsilon, training.early_stopping.patience, "
            + "model.hidden, model.activation, model.dropout, model.batch_norm, model.residual, model.init" },
        { "search: {trials: 3, space: {model.depth: {int: [1, 2]}}}\n", Header, "search.space.model.depth",
            "comes from search.architecture, in a nas campaign (kind: nas); a search varies model.hidden with categorical" },
        { "search: {trials: 3, space: {model.width_2: {int: [8, 16]}}}\n", Header, "search.space.model.width_2",
            "comes from search.architecture, in a nas campaign (kind: nas); a search varies model.hidden with categorical" },
        { "search: {trials: 3, space: {model.dropout: 0.1}}\n", Header, "search.space.model.dropout",
            "must be a distribution: {float: [low, high]}, {int: [low, high]}, {categorical: [choices]} or {fixed: value}, got '0.1'" },
        { "search: {trials: 3, space: {model.dropout: {log: true}}}\n", Header, "search.space.model.dropout", "needs one of: float, int, categorical, fixed" },
        { "search: {trials: 3, space: {model.dropout: {float: [0, 0.5], fixed: 0.1}}}\n", Header, "search.space.model.dropout",
            "takes one of float, int, categorical, fixed; got float and fixed" },
        { "search: {trials: 3, space: {model.dropout: {float: [0, 0.5], lgo: true}}}\n", Header, "search.space.model.dropout.lgo", "unknown field 'lgo'; did you mean 'log'?" },
        { "search: {trials: 3, space: {model.activation: {categorical: [relu, tanh], log: true}}}\n", Header, "search.space.model.activation.log",
            "applies only to float and int (this is categorical)" },
        { "search: {trials: 3, space: {model.dropout: {fixed: 0.1, step: 0.1}}}\n", Header, "search.space.model.dropout.step", "applies only to float and int (this is fixed)" },
        { "search: {trials: 3, space: {training.batch_size: {float: [32, 64]}}}\n", Header, "search.space.training.batch_size.float",
            "training.batch_size takes a whole number from 1 to 1048576, so search it with int, categorical or fixed" },
        { "search: {trials: 3, space: {model.dropout: {int: [0, 1]}}}\n", Header, "search.space.model.dropout.int",
            "model.dropout takes a number in [0, 1), so search it with float, categorical or fixed" },
        { "search: {trials: 3, space: {model.activation: {float: [0, 1]}}}\n", Header, "search.space.model.activation.float",
            "model.activation takes one of: relu, leaky_relu, tanh, sigmoid, gelu, so search it with categorical or fixed" },
        { "search: {trials: 3, space: {model.batch_norm: {int: [0, 1]}}}\n", Header, "search.space.model.batch_norm.int",
            "model.batch_norm takes true or false, so search it with categorical or fixed" },
        { "search: {trials: 3, space: {model.hidden: {int: [8, 64]}}}\n", Header, "search.space.model.hidden.int",
            "model.hidden takes a list of widths from 1 to 65536, so search it with categorical or fixed" },
        { "search: {trials: 3, space: {model.dropout: {float: 0.5}}}\n", Header, "search.space.model.dropout.float", "must be [low, high], got '0.5'" },
        { "search: {trials: 3, space: {model.dropout: {float: [0, 0.2, 0.5]}}}\n", Header, "search.space.model.dropout.float", "must be [low, high], got a list of 3" },
        { "search: {trials: 3, space: {training.optimizer.learning_rate: {float: [0, 0.1], log: true}}}\n", Header, "search.space.training.optimizer.learning_rate.float[0]",
            "must be a number > 0, got '0'" },
        { "search: {trials: 3, space: {model.dropout: {float: [0, 1]}}}\n", Header, "search.space.model.dropout.float[1]", "must be a number in [0, 1), got '1'" },
        { "search: {trials: 3, space: {training.batch_size: {int: [0, 64]}}}\n", Header, "search.space.training.batch_size.int[0]",
            "must be a whole number from 1 to 1048576, got '0'" },
        { "search: {trials: 3, space: {training.batch_size: {int: [16, 64], step: 0}}}\n", Header, "search.space.training.batch_size.step",
            "must be a whole number from 1 to 2147483647, got '0'" },
        { "search: {trials: 3, space: {model.dropout: {float: [0, 0.5], step: -0.1}}}\n", Header, "search.space.model.dropout.step", "must be a number > 0, got '-0.1'" },
        { "search: {trials: 3, space: {model.dropout: {float: [0, 0.5], log: yes}}}\n", Header, "search.space.model.dropout.log", "must be true or false, got 'yes'" },
        { "search: {trials: 3, space: {model.activation: {categorical: [relu, gelo]}}}\n", Header, "search.space.model.activation.categorical[1]",
            "must be one of: relu, leaky_relu, tanh, sigmoid, gelu; got 'gelo'; did you mean 'gelu'?" },
        { "search: {trials: 3, space: {model.activation: {categorical: relu}}}\n", Header, "search.space.model.activation.categorical", "must be a list of choices, got 'relu'" },
        { "search: {trials: 3, space: {model.hidden: {categorical: [[64, 0]]}}}\n", Header, "search.space.model.hidden.categorical[0][1]",
            "must be a whole number from 1 to 65536, got '0'" },
        { "search: {trials: 3, space: {model.hidden: {categorical: [64]}}}\n", Header, "search.space.model.hidden.categorical[0]",
            "must be a list of whole numbers from 1 to 65536, got '64'" },
        { "search: {trials: 3, space: {model.residual: {fixed: yes}}}\n", Header, "search.space.model.residual.fixed", "must be true or false, got 'yes'" },
        // what the library refuses, at the entry
        { "search: {trials: 3, space: {model.dropout: {float: [0.5, 0.1]}}}\n", Header, "search.space.model.dropout", "low must not be above high, got low 0.5 > high 0.1" },
        { "search: {trials: 3, space: {training.batch_size: {int: [16, 64], step: 5}}}\n", Header, "search.space.training.batch_size",
            "high - low (48) must be a multiple of step 5" },
        { "search: {trials: 3, space: {model.dropout: {float: [0.1, 0.1]}}}\n", Header, "search.space.model.dropout",
            "empty range: low and high are both 0.1; use a fixed value for a parameter that does not vary" },
        { "search: {trials: 3, space: {model.activation: {categorical: [relu, relu]}}}\n", Header, "search.space.model.activation", "choice 'relu' is listed twice" },
        { "search: {trials: 3, space: {model.activation: {categorical: []}}}\n", Header, "search.space.model.activation", "a categorical parameter needs at least one choice" },
        { "search: {trials: 3, space: {model.dropout: {float: [0, 0.5], when: {training.epochs: '> 50'}}, training.epochs: {int: [5, 20]}}}\n", Header,
            "search.space.model.dropout", "condition 'training.epochs > 50' can never hold: training.epochs is int from 5 to 20" },
        { "search: {trials: 3, space: {model.dropout: {float: [0, 0.5], when: {model.activation: '> 1'}}, model.activation: {categorical: [relu, gelu]}}}\n", Header,
            "search.space.model.dropout", "condition 'model.activation > 1' compares with > but model.activation is not a number (one of [relu, gelu])" },
        { "search: {trials: 3, space: {model.dropout: {float: [0, 0.5], when: {model.residual: true}}, model.residual: {categorical: [true, false], when: {model.dropout: '> 0.1'}}}}\n", Header,
            "search.space.model.dropout", "conditions form a cycle: model.dropout -> model.residual -> model.dropout (each needs the next to be decided first)" },
        // conditions as written
        { "search: {trials: 3, space: {model.dropout: {float: [0, 0.5], when: {model.activaton: relu}}, model.activation: {categorical: [relu, gelu]}}}\n", Header,
            "search.space.model.dropout.when.model.activaton", "not a parameter of the search; did you mean 'model.activation'?" },
        { "search: {trials: 3, space: {model.dropout: {float: [0, 0.5], when: {training.epochs: '>= many'}}, training.epochs: {int: [5, 20]}}}\n", Header,
            "search.space.model.dropout.when.training.epochs", "compares with >= and needs a number after it, got '>= many'" },
        { "search: {trials: 3, space: {model.dropout: {float: [0, 0.5], when: {model.activation: gelo}}, model.activation: {categorical: [relu, gelu]}}}\n", Header,
            "search.space.model.dropout.when.model.activation", "must be one of: relu, leaky_relu, tanh, sigmoid, gelu; got 'gelo'; did you mean 'gelu'?" },
        { "search: {trials: 3, space: {model.dropout: {float: [0, 0.5], when: model.activation}}}\n", Header, "search.space.model.dropout.when",
            "must be a mapping of fields, got 'model.activation'" },
        // rules between fields, as the base spec's reader has them
        { "search: {trials: 3, space: {training.optimizer.name: {categorical: [adam, sgd]}, training.optimizer.momentum: {float: [0, 0.9]}}}\n", Header,
            "search.space.training.optimizer.momentum", "applies only to optimizer 'sgd', but is active with 'adam': add when: {training.optimizer.name: sgd}" },
        { "search: {trials: 3, space: {training.optimizer.name: {categorical: [adam, sgd, adamw]}, training.optimizer.momentum: {float: [0, 0.9], when: {training.optimizer.name: [sgd, adamw]}}}}\n", Header,
            "search.space.training.optimizer.momentum", "applies only to optimizer 'sgd', but is active with 'adamw': add when: {training.optimizer.name: sgd}" },
        { "search: {trials: 3, space: {training.optimizer.momentum: {float: [0, 0.9]}}}\n", Header, "search.space.training.optimizer.momentum",
            "applies only to optimizer 'sgd' (optimizer is 'adam')" },
        { "training: {optimizer: {name: sgd, momentum: 0.9, nesterov: true}}\nsearch: {trials: 3, space: {training.optimizer.momentum: {float: [0, 0.9]}}}\n", Header,
            "search.space.training.optimizer.momentum", "must be above 0 in every trial: training.optimizer.nesterov is true, and Nesterov momentum needs momentum > 0" },
        { "search: {trials: 3, space: {training.loss.focal_gamma: {float: [0, 3]}}}\n", Header, "search.space.training.loss.focal_gamma",
            "applies only to loss 'focal' (loss is 'auto')" },
        { "search: {trials: 3, space: {training.early_stopping.patience: {int: [3, 10]}}}\n", Header, "search.space.training.early_stopping.patience",
            "applies only with early stopping on: add early_stopping: {} to the training block" },
        { "training: {schedule: {name: cosine, min_learning_rate: 0.0001}}\nsearch: {trials: 3, space: {training.optimizer.learning_rate: {categorical: [0.01, 0.0001]}}}\n", Header,
            "search.space.training.optimizer.learning_rate", "must stay above training.schedule.min_learning_rate 0.0001 in every trial, got 0.0001" },
        { "training: {epochs: 20, schedule: {warmup_epochs: 5}}\nsearch: {trials: 3, space: {training.epochs: {int: [5, 50]}}}\n", Header,
            "search.space.training.epochs", "must stay above training.schedule.warmup_epochs (5) in every trial, got 5" },
        // enqueued configurations
        { "search: {trials: 3, space: {model.dropout: {float: [0, 0.5]}}, enqueue: {model.dropout: 0.1}}\n", Header, "search.enqueue",
            "must be a list of configurations ({field: value, ...}), got a mapping" },
        { "search: {trials: 3, space: {model.dropout: {float: [0, 0.5]}}, enqueue: [0.1]}\n", Header, "search.enqueue[0]",
            "must be a configuration: a mapping of searched fields to values, got '0.1'" },
        { "search: {trials: 3, space: {model.dropout: {float: [0, 0.5]}}, enqueue: [{model.dropuot: 0.1}]}\n", Header, "search.enqueue[0].model.dropuot",
            "not a parameter of the search; did you mean 'model.dropout'?" },
        { "search: {trials: 3, space: {model.dropout: {float: [0, 0.5]}}, enqueue: [{model.dropout: 1.5}]}\n", Header, "search.enqueue[0].model.dropout",
            "must be a number in [0, 1), got '1.5'" },
        { "search: {trials: 3, space: {model.dropout: {float: [0, 0.5]}}, enqueue: [{model.dropout: 0.7}]}\n", Header, "search.enqueue[0]",
            "model.dropout: 0.7 is not in float from 0 to 0.5" },
        { "search: {trials: 3, space: {model.dropout: {float: [0, 0.5]}, model.residual: {categorical: [true, false]}}, enqueue: [{model.dropout: 0.1}]}\n", Header,
            "search.enqueue[0]", "model.residual: missing although active" },
        { "search: {trials: 1, space: {model.dropout: {float: [0, 0.5]}}, enqueue: [{model.dropout: 0.1}, {model.dropout: 0.2}]}\n", Header, "search.enqueue",
            "holds 2 configurations but search.trials is 1; enqueued configurations are trials too" },
        // sampler and pruner
        { "search: {trials: 3, sampler: tp, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.sampler",
            "must be one of: tpe, random, grid, sobol, gp, cmaes, regularized_evolution, nsga2; got 'tp'; did you mean 'tpe'?" },
        { "search: {trials: 3, sampler: {name: nsga}, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.sampler.name",
            "must be one of: tpe, random, grid, sobol, gp, cmaes, regularized_evolution, nsga2; got 'nsga'; did you mean 'nsga2'?" },
        { "search: {trials: 3, sampler: [tpe], space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.sampler",
            "must be a name (tpe, random, grid, sobol, gp, cmaes, regularized_evolution, nsga2) or a block {name: ..., options}, got a list" },
        { "search: {trials: 3, sampler: {name: tpe, gama: 0.2}, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.sampler.gama", "unknown field 'gama'; did you mean 'gamma'?" },
        { "search: {trials: 3, sampler: {name: random, n_startup_trials: 5}, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.sampler.n_startup_trials",
            "unknown field 'n_startup_trials'; allowed here: name, seed" },
        { "search: {trials: 3, sampler: {name: tpe, gamma: 0}, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.sampler.gamma", "must be a number in (0, 1], got '0'" },
        { "search: {trials: 3, sampler: {name: tpe, n_ei_candidates: 0}, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.sampler.n_ei_candidates",
            "must be a whole number from 1 to 1000000, got '0'" },
        { "search: {trials: 3, sampler: {seed: -1}, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.sampler.seed",
            "must be a whole number from 0 to 18446744073709551615, got '-1'" },
        { "search: {trials: 3, sampler: {name: tpe, bandwidth: silverman}, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.sampler.bandwidth",
            "must be one of: gaps, scott; got 'silverman'" },
        { "search: {trials: 3, sampler: {name: gp, constant_liar: best}, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.sampler.constant_liar",
            "must be one of: worst, mean, none; got 'best'" },
        { "search: {trials: 3, sampler: {name: cmaes, restart_strategy: bipop}, space: {model.dropout: {float: [0, 0.5]}}}\n", Header, "search.sampler.restart_strategy",
            "must be one of: ipop, none; got 'bipop'; did you mean 'ipop'?" },
        { "search: {trials: 3, sampler: {name: nsga2, crossover_prob: 1.5}, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.sampler.crossover_prob",
            "must be a number in [0, 1], got '1.5'" },
        { "search: {trials: 3, sampler: {name: regularized_evolution, population_size: 4, sample_size: 5}, space: {model.dropout: {fixed: 0.1}}}\n", Header,
            "search.sampler.sample_size", "must be at most population_size (4), got 5" },
        { "search: {trials: 3, sampler: {name: grid, values: {model.dropot: [0.1]}}, space: {model.dropout: {float: [0, 0.5]}}}\n", Header, "search.sampler.values.model.dropot",
            "not a parameter of the search; did you mean 'model.dropout'?" },
        { "search: {trials: 3, sampler: {name: grid, values: {model.dropout: [0.1, 0.7]}}, space: {model.dropout: {float: [0, 0.5]}}}\n", Header, "search.sampler.values.model.dropout[1]",
            "must be a value of model.dropout (float from 0 to 0.5), got '0.7'" },
        { "search: {trials: 3, pruner: mediam, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.pruner",
            "must be one of: median, percentile, successive_halving, hyperband; got 'mediam'; did you mean 'median'?" },
        { "search: {trials: 3, pruner: {name: percentile, percentile: 120}, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.pruner.percentile",
            "must be a number in [0, 100], got '120'" },
        { "search: {trials: 3, pruner: {name: median, n_warmup_step: 5}, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.pruner.n_warmup_step",
            "unknown field 'n_warmup_step'; did you mean 'n_warmup_steps'?" },
        { "search: {trials: 3, pruner: {name: successive_halving, reduction_factor: 1}, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.pruner.reduction_factor",
            "must be a whole number from 2 to 1000, got '1'" },
        { "search: {trials: 3, pruner: {name: hyperband, min_resource: 9, max_resource: 3}, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.pruner.max_resource",
            "must be at least min_resource (9), got 3" },
        { "training: {epochs: 5}\nsearch: {trials: 3, pruner: {name: hyperband, min_resource: 9}, space: {model.dropout: {fixed: 0.1}}}\n", Header, "search.pruner.min_resource",
            "must be at most max_resource, which is training.epochs (5) unless given, got 9" },
    };

    [Theory]
    [MemberData(nameof(InvalidSearches))]
    public void A_wrong_search_block_is_refused_with_the_field_and_what_is_allowed(string yaml, string header, string path, string message)
    {
        var error = Assert.Single(Assert.Throws<SpecException>(() => SpecParser.Parse(header + yaml, "/specs")).Errors);

        Assert.Equal((path, message), (error.Path, error.Message));
    }

    [Fact]
    public void A_misspelt_distribution_kind_is_said_missing_and_unknown_with_the_kind_meant()
    {
        var errors = Assert.Throws<SpecException>(() => Parse("trials: 3\nspace: {model.dropout: {flaot: [0, 0.5]}}")).Errors;

        Assert.Equal(
            [
                ("search.space.model.dropout", "needs one of: float, int, categorical, fixed"),
                ("search.space.model.dropout.flaot", "unknown field 'flaot'; did you mean 'float'?"),
            ],
            errors.Select(e => (e.Path, e.Message)));
    }

    [Fact]
    public void A_condition_on_a_value_the_parent_never_takes_says_so_as_the_library_does()
    {
        var errors = Assert.Throws<SpecException>(() => Parse(
            "trials: 3\nspace: {model.dropout: {float: [0, 0.5], when: {model.activation: tanh}}, model.activation: {categorical: [relu, gelu]}}")).Errors;

        Assert.Equal(
            [
                ("search.space.model.dropout", "condition 'model.activation == tanh': tanh is not a possible value of model.activation (one of [relu, gelu])"),
                ("search.space.model.dropout", "condition 'model.activation == tanh' can never hold: model.activation is one of [relu, gelu]"),
            ],
            errors.Select(e => (e.Path, e.Message)));
    }

    [Fact]
    public void Errors_in_a_search_block_name_the_file_line_and_column_in_the_order_of_the_file()
    {
        var yaml = Yaml("""
            trials: 0
            sampler: {name: tpe, gamma: 2}
            space:
              training.optimizer.lr: {float: [1.0e-4, 0.1]}
              model.dropout: {float: [0, 1]}
              model.activation: {categorical: [relu, gelo]}
            """);

        var error = Assert.Throws<SpecException>(() => SpecParser.Parse(yaml, "/specs", "search.yaml"));

        Assert.Equal(
            """
            The campaign spec search.yaml has 5 errors:
              search.yaml:6:11: search.trials: must be a whole number from 1 to 100000, got '0'
              search.yaml:7:31: search.sampler.gamma: must be a number in (0, 1], got '2'
              search.yaml:9:5: search.space.training.optimizer.lr: not a searchable field; searchable in training.optimizer: learning_rate, name, weight_decay, momentum
              search.yaml:10:32: search.space.model.dropout.float[1]: must be a number in [0, 1), got '1'
              search.yaml:11:44: search.space.model.activation.categorical[1]: must be one of: relu, leaky_relu, tanh, sigmoid, gelu; got 'gelo'; did you mean 'gelu'?
            """.ReplaceLineEndings("\n"),
            error.Message);
    }
}
