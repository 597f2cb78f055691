using EnsembleFarm.Domain.Search;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Models.Nn;
using EnsembleFarm.Models.Training;
using EnsembleFarm.Store;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Specs;

/// <summary><see cref="CampaignSpec.ForTrial"/>: the spec a trial trains, the base spec with the trial's parameters set.</summary>
public class ForTrialTests
{
    private static readonly CampaignSpec Base = SpecParser.Parse("""
        name: base
        kind: search
        dataset: {path: d.csv, target: y, task: binary}
        model: {hidden: [32, 32]}
        training: {loss: {name: focal}, early_stopping: {patience: 4}}
        search: {trials: 3, space: {model.dropout: {float: [0, 0.5]}}}
        """, "/specs");

    private static CampaignSpec With(string name, ParamValue value) => Base.ForTrial(new Dictionary<string, ParamValue> { [name] = value });

    public static TheoryData<string, ParamValue, Func<CampaignSpec, object?>, object> Fields => new()
    {
        { "training.optimizer.learning_rate", 0.01, s => s.Training.Optimizer.LearningRate, 0.01f },
        { "training.optimizer.name", "sgd", s => s.Training.Optimizer.Kind, OptimizerKind.Sgd },
        { "training.optimizer.weight_decay", 0.001, s => s.Training.Optimizer.WeightDecay, 0.001f },
        { "training.optimizer.momentum", 0.9, s => s.Training.Optimizer.Momentum, 0.9f },
        { "training.batch_size", 256, s => s.Training.BatchSize, 256 },
        { "training.epochs", 7, s => s.Training.Epochs, 7 },
        { "training.loss.focal_gamma", 1.5, s => s.Training.Loss.FocalGamma, 1.5f },
        { "training.gradient_clip", 2.0, s => s.Training.GradientClipNorm, 2f },
        { "training.fgsm_epsilon", 0.01, s => s.Training.FgsmEpsilon, 0.01f },
        { "training.early_stopping.patience", 9, s => s.Training.EarlyStopping!.Patience, 9 },
        { "model.hidden", "[128, 64, 8]", s => string.Join(",", s.Model.Hidden), "128,64,8" },
        { "model.hidden", "[]", s => s.Model.Hidden.Count, 0 },
        { "model.activation", "gelu", s => s.Model.Activation, Activation.Gelu },
        { "model.dropout", 0.25, s => s.Model.Dropout, 0.25f },
        { "model.batch_norm", true, s => s.Model.BatchNorm, true },
        { "model.residual", true, s => s.Model.Residual, true },
        { "model.init", "orthogonal", s => s.Model.Initialization, Initialization.Orthogonal },
        // a whole number read back as a float that is whole still sets a whole-number field
        { "training.batch_size", 128.0, s => s.Training.BatchSize, 128 },
        // a number field takes a whole number as well
        { "training.gradient_clip", 3, s => s.Training.GradientClipNorm, 3f },
    };

    [Theory]
    [MemberData(nameof(Fields))]
    public void Each_searchable_field_is_set_on_the_base_spec_and_nothing_else_changes(string name, ParamValue value, Func<CampaignSpec, object?> read, object expected)
    {
        var trial = With(name, value);

        Assert.Equal(expected, read(trial));
        Assert.NotEqual(expected, read(Base));
        Assert.Equal(Base with { Model = trial.Model, Training = trial.Training }, trial);
    }

    [Fact]
    public void No_parameters_leave_the_spec_as_it_is()
    {
        Assert.Same(Base, Base.ForTrial(new Dictionary<string, ParamValue>()));
        Assert.Same(Base, Base.ForTrial(SearchParameters.FromJson("{}")));
    }

    [Fact]
    public void A_nas_trial_depth_and_widths_become_the_hidden_layers_with_its_other_choices()
    {
        var trial = Base.ForTrial(new Dictionary<string, ParamValue>
        {
            ["model.width_2"] = 16, ["model.depth"] = 3, ["model.width_1"] = 64, ["model.width_3"] = 8,
            ["model.activation"] = "tanh", ["training.optimizer.learning_rate"] = 0.003,
        });

        Assert.Equal([64, 16, 8], trial.Model.Hidden);
        Assert.Equal(Activation.Tanh, trial.Model.Activation);
        Assert.Equal(0.003f, trial.Training.Optimizer.LearningRate);
        Assert.Empty(Base.ForTrial(new Dictionary<string, ParamValue> { ["model.depth"] = 0 }).Model.Hidden);
    }

    [Fact]
    public void Every_suggestion_of_a_search_over_every_searchable_field_applies()
    {
        var spec = SpecParser.Parse("""
            name: all
            kind: search
            dataset: {path: d.csv, target: y, task: binary}
            training: {loss: {name: focal}, early_stopping: {}}
            search:
              trials: 30
              sampler: random
              space:
                training.optimizer.learning_rate: {float: [1.0e-4, 1.0e-1], log: true}
                training.optimizer.name: {categorical: [adam, adamw, sgd]}
                training.optimizer.weight_decay: {float: [0, 0.01], when: {training.optimizer.name: adamw}}
                training.optimizer.momentum: {float: [0, 0.9], when: {training.optimizer.name: sgd}}
                training.batch_size: {int: [32, 512], log: true}
                training.epochs: {int: [5, 50], step: 5}
                training.loss.focal_gamma: {float: [0, 3]}
                training.gradient_clip: {categorical: [1, 5]}
                training.fgsm_epsilon: {fixed: 0.01}
                training.early_stopping.patience: {int: [2, 8]}
                model.hidden: {categorical: [[64, 64], [128], []]}
                model.activation: {categorical: [relu, gelu, tanh]}
                model.dropout: {float: [0, 0.5]}
                model.batch_norm: {categorical: [true, false]}
                model.residual: {categorical: [true, false]}
                model.init: {categorical: [pytorch, orthogonal]}
            """, "/specs");
        var sampler = spec.Search!.CreateSampler();
        var trials = new List<FrozenTrial>();

        for (var n = 0; n < 30; n++)
        {
            var parameters = sampler.Suggest(new SearchContext(spec.Search.Space, spec.Search.Objectives, trials)).Params;
            var trial = spec.ForTrial(parameters);
            Assert.Equal(parameters["training.batch_size"].AsInt(), trial.Training.BatchSize);
            Assert.Equal(parameters["model.hidden"].AsText(), FieldText(trial.Model.Hidden));
            trials.Add(new FrozenTrial(n, TrialState.Completed, parameters) { Values = [n] });
        }
    }

    private static string FieldText(IReadOnlyList<int> widths) => $"[{string.Join(", ", widths)}]";

    public static TheoryData<Dictionary<string, ParamValue>, string> Refused => new()
    {
        { new() { ["training.lr"] = 0.1 }, "'training.lr' is not a searchable field; searchable: training.optimizer.learning_rate, training.optimizer.name, "
            + "training.optimizer.weight_decay, training.optimizer.momentum, training.batch_size, training.epochs, training.loss.focal_gamma, "
            + "training.gradient_clip, training.fgsm_epsilon, training.early_stopping.patience, model.hidden, model.activation, model.dropout, "
            + "model.batch_norm, model.residual, model.init, and model.depth with model.width_1 … for nas" },
        { new() { ["training.optimizer.learning_rate"] = 0.0 }, "training.optimizer.learning_rate: must be a number > 0, got '0'" },
        { new() { ["training.optimizer.learning_rate"] = "fast" }, "training.optimizer.learning_rate: must be a number > 0, got 'fast'" },
        { new() { ["training.batch_size"] = 2.5 }, "training.batch_size: must be a whole number from 1 to 1048576, got '2.5'" },
        { new() { ["training.epochs"] = 0 }, "training.epochs: must be a whole number from 1 to 1000000, got '0'" },
        { new() { ["training.optimizer.name"] = "lion" }, "training.optimizer.name: must be one of: sgd, adam, adamw, got 'lion'" },
        { new() { ["model.batch_norm"] = "yes" }, "model.batch_norm: must be true or false, got 'yes'" },
        { new() { ["model.dropout"] = 1.0 }, "model.dropout: must be a number in [0, 1), got '1'" },
        { new() { ["model.hidden"] = "64,64" }, "model.hidden: must be a list of widths from 1 to 65536, got '64,64'" },
        { new() { ["model.hidden"] = "[64, 0]" }, "model.hidden: must be a list of widths from 1 to 65536, got '[64, 0]'" },
        { new() { ["model.depth"] = 65 }, "model.depth: must be a whole number from 0 to 64, got '65'" },
        { new() { ["model.depth"] = 2, ["model.width_1"] = 8 }, "model.depth is 2 but model.width_2 is not given" },
        { new() { ["model.depth"] = 1, ["model.width_1"] = 8, ["model.width_2"] = 8 }, "model.width_2 is given but model.depth is 1" },
        { new() { ["model.width_1"] = 8 }, "model.width_1 needs model.depth, which is not given" },
        { new() { ["model.depth"] = 1, ["model.width_1"] = 0 }, "model.width_1: must be a whole number from 1 to 65536, got '0'" },
        { new() { ["model.depth"] = 1, ["model.width_1"] = 8, ["model.hidden"] = "[8]" }, "model.hidden and model.depth both set the hidden layers; a trial takes one or the other" },
        { new() { ["model.width_01"] = 8 }, "'model.width_01' is not a searchable field; searchable: training.optimizer.learning_rate, training.optimizer.name, "
            + "training.optimizer.weight_decay, training.optimizer.momentum, training.batch_size, training.epochs, training.loss.focal_gamma, "
            + "training.gradient_clip, training.fgsm_epsilon, training.early_stopping.patience, model.hidden, model.activation, model.dropout, "
            + "model.batch_norm, model.residual, model.init, and model.depth with model.width_1 … for nas" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Parameters_that_do_not_fit_the_spec_are_refused_in_plain_words(Dictionary<string, ParamValue> parameters, string message)
    {
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => Base.ForTrial(parameters)).Message);
    }

    [Fact]
    public void Patience_needs_an_early_stopping_block_in_the_base_spec()
    {
        var noEarlyStopping = Base with { Training = Base.Training with { EarlyStopping = null } };

        var error = Assert.Throws<ArgumentException>(() => noEarlyStopping.ForTrial(new Dictionary<string, ParamValue> { ["training.early_stopping.patience"] = 3 }));

        Assert.Equal("training.early_stopping.patience: the spec has no training.early_stopping block to set it in", error.Message);
    }
}
