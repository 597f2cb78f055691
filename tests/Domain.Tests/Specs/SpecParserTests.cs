using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Nn;
using EnsembleFarm.Models.Training;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Specs;

public class SpecParserTests
{
    private const string SpecDirectory = "/specs/physics";

    private const string Header = "name: demo\nkind: ensemble\nseed: 7\n";
    private const string BinaryDataset = "dataset: {path: ../data/collider.csv, target: label, task: binary}\n";
    private const string RegressionDataset = "dataset: {path: pt.csv, target: [pt, eta], task: regression}\n";

    private static CampaignSpec Parse(string yaml) => SpecParser.Parse(yaml, SpecDirectory);

    private static IReadOnlyList<SpecError> Errors(string yaml) => Assert.Throws<SpecException>(() => Parse(yaml)).Errors;

    [Fact]
    public void A_minimal_spec_takes_the_documented_defaults()
    {
        var spec = Parse(Header + BinaryDataset);

        Assert.Equal("demo", spec.Name);
        Assert.Equal(CampaignKind.Ensemble, spec.Kind);
        Assert.Equal("ensemble", spec.KindName);
        Assert.Equal(7UL, spec.Seed);
        Assert.Equal(Path.GetFullPath("/specs/data/collider.csv"), spec.Dataset.Path);
        Assert.Equal(["label"], spec.Dataset.Targets);
        Assert.Equal(TaskKind.Binary, spec.Dataset.Task);
        Assert.Null(spec.Dataset.IdColumn);
        Assert.Null(spec.Dataset.Features);
        Assert.Equal(new TestPartSpec(0.2, 7, Stratified: true), spec.Test);
        Assert.Equal(new EnsembleSpec(60, 0.2, Stratified: true), spec.Ensemble);
        Assert.Equal(2, spec.Retries);
        Assert.Equal(3, spec.MaxAttempts);
        Assert.Equal(1, spec.Resources.Slots);
        Assert.Equal([32, 32], spec.Model.Hidden);
        Assert.Equal(Initialization.PyTorch, spec.Model.Initialization);
        Assert.Equal(new TrainingOptions(), spec.Training);
    }

    [Fact]
    public void Regression_defaults_to_unstratified_splits_and_accepts_several_targets()
    {
        var spec = Parse(Header + RegressionDataset);

        Assert.Equal(["pt", "eta"], spec.Dataset.Targets);
        Assert.False(spec.Test.Stratified);
        Assert.False(spec.Ensemble!.Stratified);
    }

    [Fact]
    public void Every_field_of_a_full_spec_reaches_the_models_records()
    {
        const string yaml = """
            name: full
            kind: ensemble
            seed: 18446744073709551615
            dataset:
              path: /data/x.csv
              target: label
              task: multiclass
              id_column: event
              features: [a, b]
            test: {fraction: 0.25, seed: 3, stratified: false}
            model:
              hidden: [64, 64, 32]
              activation: leaky_relu
              leaky_relu_slope: 0.2
              dropout: 0.1
              batch_norm: true
              residual: true
              init: orthogonal
            training:
              epochs: 12
              batch_size: 128
              optimizer: {name: sgd, learning_rate: 0.05, momentum: 0.9, nesterov: true, weight_decay: 0.0001}
              schedule: {name: cosine, min_learning_rate: 0.001, warmup_epochs: 2}
              loss: {name: focal, focal_gamma: 1.5, focal_alpha: 0.25, class_weights: [1, 2, 3]}
              gradient_clip: 5
              early_stopping: {metric: val_macro_f1, patience: 4, min_delta: 0.01, mode: max, restore_best: false}
              fgsm_epsilon: 0.01
              threads: 2
            ensemble: {members: 10, validation_fraction: 0.3, stratified: false}
            retries: 0
            resources: {slots: 2}
            """;

        var spec = Parse(yaml);

        Assert.Equal(ulong.MaxValue, spec.Seed);
        Assert.Equal(new DatasetSpec("/data/x.csv", spec.Dataset.Targets, TaskKind.Multiclass, "event", spec.Dataset.Features), spec.Dataset);
        Assert.Equal(["a", "b"], spec.Dataset.Features!);
        Assert.Equal(new CsvDatasetOptions(spec.Dataset.Targets, TaskKind.Multiclass, "event", spec.Dataset.Features), spec.Dataset.CsvOptions);
        Assert.Equal(new TestPartSpec(0.25, 3, false), spec.Test);
        Assert.Equal([64, 64, 32], spec.Model.Hidden);
        Assert.Equal(spec.Model with { Hidden = [] }, new NetworkSpec([], Activation.LeakyRelu, 0.1f, true, true, 0.2f, Initialization.Orthogonal));
        var training = spec.Training;
        Assert.Equal(12, training.Epochs);
        Assert.Equal(128, training.BatchSize);
        Assert.Equal(new OptimizerSpec(OptimizerKind.Sgd, 0.05f, 0.9f, true, WeightDecay: 0.0001f), training.Optimizer);
        Assert.Equal(new ScheduleSpec(ScheduleKind.Cosine, MinLearningRate: 0.001f, WarmupEpochs: 2), training.Schedule);
        Assert.Equal(LossKind.Focal, training.Loss.Kind);
        Assert.Equal(1.5f, training.Loss.FocalGamma);
        Assert.Equal(0.25f, training.Loss.FocalAlpha);
        Assert.Equal([1f, 2f, 3f], training.Loss.ClassWeights!);
        Assert.Equal(5f, training.GradientClipNorm);
        Assert.Equal(new EarlyStoppingSpec("val_macro_f1", 4, 0.01, true, false), training.EarlyStopping);
        Assert.Equal(0.01f, training.FgsmEpsilon);
        Assert.Equal(2, training.Threads);
        Assert.Equal(new EnsembleSpec(10, 0.3, false), spec.Ensemble);
        Assert.Equal(1, spec.MaxAttempts);
        Assert.Equal(2, spec.Resources.Slots);
    }

    [Theory]
    [InlineData("pytorch", Initialization.PyTorch)]
    [InlineData("he_uniform", Initialization.HeUniform)]
    [InlineData("he_normal", Initialization.HeNormal)]
    [InlineData("xavier_uniform", Initialization.XavierUniform)]
    [InlineData("xavier_normal", Initialization.XavierNormal)]
    [InlineData("orthogonal", Initialization.Orthogonal)]
    [InlineData("he_xavier_uniform", Initialization.HeXavierUniform)]
    public void Model_init_names_each_initialisation_scheme(string name, Initialization scheme)
    {
        Assert.Equal(scheme, Parse(Header + BinaryDataset + $"model: {{init: {name}}}\n").Model.Initialization);
        Assert.Equal(scheme, Parse(Header + BinaryDataset + $"model:\n  activation: tanh\n  init: {name}\n").Model.Initialization);
    }

    [Fact]
    public void A_model_block_without_init_starts_like_pytorch()
    {
        Assert.Equal(Initialization.PyTorch, Parse(Header + BinaryDataset + "model: {hidden: [8]}\n").Model.Initialization);
        Assert.Equal(Initialization.PyTorch, Parse(Header + BinaryDataset + "model: {init: }\n").Model.Initialization);
    }

    [Fact]
    public void A_wrong_init_names_its_field_line_and_every_scheme()
    {
        var error = Assert.Single(Errors(Header + BinaryDataset + "model:\n  hidden: [8]\n  init: xavier_unifrom\n"));

        Assert.Equal("model.init", error.Path);
        Assert.Equal(7, error.Line);
        Assert.Equal("must be one of: pytorch, he_uniform, he_normal, xavier_uniform, xavier_normal, orthogonal, he_xavier_uniform; "
            + "got 'xavier_unifrom'; did you mean 'xavier_uniform'?", error.Message);
    }

    [Fact]
    public void A_trial_occupies_as_many_slots_as_it_trains_with_threads_unless_resources_say_otherwise()
    {
        Assert.Equal(3, Parse(Header + BinaryDataset + "training: {threads: 3}\n").Resources.Slots);
        Assert.Equal(1, Parse(Header + BinaryDataset + "training: {threads: 3}\nresources: {slots: 1}\n").Resources.Slots);
    }

    [Fact]
    public void A_trial_asks_for_gpus_under_resources_and_for_none_by_default()
    {
        Assert.Equal(new ResourcesSpec(1, 0), Parse(Header + BinaryDataset).Resources);
        Assert.Equal(new ResourcesSpec(2, 1), Parse(Header + BinaryDataset + "resources: {slots: 2, gpus: 1}\n").Resources);
        Assert.Equal("resources.gpus", Assert.Single(Errors(Header + BinaryDataset + "resources: {gpus: -1}\n")).Path);
    }

    [Fact]
    public void Adam_betas_and_step_schedule_map_to_the_optimizer_and_schedule()
    {
        var spec = Parse(Header + BinaryDataset + """
            training:
              optimizer: {name: adamw, betas: [0.8, 0.99], epsilon: 1e-6}
              schedule: {name: step, step_epochs: 5, step_gamma: 0.5}
              early_stopping: {}
            """);

        Assert.Equal(new OptimizerSpec(OptimizerKind.AdamW, Beta1: 0.8f, Beta2: 0.99f, Epsilon: 1e-6f), spec.Training.Optimizer);
        Assert.Equal(new ScheduleSpec(ScheduleKind.Step, 5, 0.5f), spec.Training.Schedule);
        Assert.Equal(new EarlyStoppingSpec(), spec.Training.EarlyStopping);
    }

    [Fact]
    public void The_member_training_options_carry_the_member_init_seed_and_nothing_else_changes()
    {
        var spec = Parse(Header + BinaryDataset + "training: {epochs: 9}\n");

        var options = spec.TrainingFor(12345);

        Assert.Equal(12345UL, options.Seed);
        Assert.Equal(spec.Training with { Seed = 12345 }, options);
        Assert.Equal(9, options.Epochs);
    }

    [Fact]
    public void The_test_seed_defaults_to_the_campaign_seed_and_the_campaign_seed_to_zero()
    {
        Assert.Equal(7UL, Parse(Header + BinaryDataset + "test: {fraction: 0.3}\n").Test.Seed);
        Assert.Equal(0UL, Parse("name: n\nkind: ensemble\n" + BinaryDataset).Seed);
    }

    [Fact]
    public void A_field_without_a_value_counts_as_not_given()
    {
        var spec = Parse(Header + BinaryDataset + "retries:\ntest:\n  seed: ~\n");

        Assert.Equal(2, spec.Retries);
        Assert.Equal(7UL, spec.Test.Seed);
    }

    [Fact]
    public void Parse_file_resolves_the_dataset_against_the_spec_folder_and_names_the_file_on_every_error_line()
    {
        var folder = Directory.CreateTempSubdirectory("spec-test-");
        try
        {
            var good = Path.Combine(folder.FullName, "good.yaml");
            File.WriteAllText(good, Header + "dataset: {path: sub/d.csv, target: y, task: regression}\n");
            Assert.Equal(Path.Combine(folder.FullName, "sub", "d.csv"), SpecParser.ParseFile(good).Dataset.Path);

            var bad = Path.Combine(folder.FullName, "bad.yaml");
            File.WriteAllText(bad, "kind: ensemble\n" + BinaryDataset + "retries: -1\n");
            var error = Assert.Throws<SpecException>(() => SpecParser.ParseFile(bad));
            Assert.Equal(bad, error.SpecFile);
            Assert.Equal(
                $"""
                The campaign spec {bad} has 2 errors:
                  {bad}:3:10: retries: must be a whole number from 0 to 100, got '-1'
                  {bad}: name: is required: a campaign name of 1 to 100 characters
                """.ReplaceLineEndings("\n"),
                error.Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Text_from_a_named_file_is_reported_under_that_name()
    {
        var error = Assert.Throws<SpecException>(() => SpecParser.Parse(Header + BinaryDataset + "model: {hidden: [128, 0]}\n", SpecDirectory, "examples/ensemble.yaml"));

        Assert.Equal("examples/ensemble.yaml", error.SpecFile);
        Assert.Equal(
            """
            The campaign spec examples/ensemble.yaml has 1 error:
              examples/ensemble.yaml:5:23: model.hidden[1]: must be a whole number from 1 to 65536, got '0'
            """.ReplaceLineEndings("\n"),
            error.Message);
    }

    public static TheoryData<string, string, string> InvalidSpecs => new()
    {
        // the document
        { "", "", "the spec is empty; it needs at least name, kind and dataset" },
        { "- a\n- b\n", "", "a spec is a mapping of fields (name: ..., kind: ...), got a list" },
        { Header + BinaryDataset + "---\nname: other\n", "", "a spec holds one YAML document; remove the '---' separators" },
        // the campaign
        { "kind: ensemble\n" + BinaryDataset, "name", "is required: a campaign name of 1 to 100 characters" },
        { "name: '  '\nkind: ensemble\n" + BinaryDataset, "name", "must be 1 to 100 printable characters, got '  '" },
        { $"name: {new string('x', 101)}\nkind: ensemble\n" + BinaryDataset, "name", $"must be 1 to 100 printable characters, got '{new string('x', 101)}'" },
        { Header + BinaryDataset + "? [a, b]\n: 1\n", "", "field names must be plain text" },
        { "name: n\n" + BinaryDataset, "kind", "is required: one of: ensemble, search, nas" },
        { "name: n\nkind: [ensemble]\n" + BinaryDataset, "kind", "must be text, got a list" },
        { "name: n\nkind: ensembel\n" + BinaryDataset, "kind", "must be one of: ensemble, search, nas; got 'ensembel'; did you mean 'ensemble'?" },
        { Header + BinaryDataset + "search: {sampler: tpe}\n", "search", "applies only to kinds 'search' and 'nas' (kind is 'ensemble')" },
        { "name: n\nkind: ensemble\nseed: -1\n" + BinaryDataset, "seed", "must be a whole number from 0 to 18446744073709551615, got '-1'" },
        { Header + BinaryDataset + "traning: {epochs: 3}\n", "traning", "unknown field 'traning'; did you mean 'training'?" },
        { Header + BinaryDataset + "colour: red\n", "colour", "unknown field 'colour'; allowed here: name, kind, seed, dataset, test, trainer, model, training, ensemble, retries, resources, search" },
        { Header + BinaryDataset + "retries: -1\n", "retries", "must be a whole number from 0 to 100, got '-1'" },
        { Header + BinaryDataset + "retries: 2.5\n", "retries", "must be a whole number from 0 to 100, got '2.5'" },
        { Header + BinaryDataset + "resources: {slots: 0}\n", "resources.slots", "must be a whole number from 1 to 1024, got '0'" },
        { Header + BinaryDataset + "resources: 4\n", "resources", "must be a mapping of fields, got '4'" },
        { Header + BinaryDataset + "resources: {memory: 1}\n", "resources.memory", "unknown field 'memory'; allowed here: slots, gpus" },
        // dataset
        { Header, "dataset", "is required: a mapping with path, target and task" },
        { Header + "dataset: {target: y, task: binary}\n", "dataset.path", "is required: the CSV file, relative to the spec's folder or absolute" },
        { Header + "dataset: {path: '', target: y, task: binary}\n", "dataset.path", "must name a CSV file, got ''" },
        { Header + "dataset: {path: d.csv, task: binary}\n", "dataset.target", "is required: the name of the target column (a list of names for regression)" },
        { Header + "dataset: {path: d.csv, target: y}\n", "dataset.task", "is required: one of: binary, multiclass, regression" },
        { Header + "dataset: {path: d.csv, target: y, task: binery}\n", "dataset.task", "must be one of: binary, multiclass, regression; got 'binery'; did you mean 'binary'?" },
        { Header + "dataset: {path: d.csv, target: [a, b], task: binary}\n", "dataset.target", "task 'binary' has exactly one target column; several are allowed only for task 'regression'" },
        { Header + "dataset: {path: d.csv, target: [], task: regression}\n", "dataset.target", "must name at least one column, got an empty list" },
        { Header + "dataset: {path: d.csv, target: [a, a], task: regression}\n", "dataset.target", "names each column once; repeated: 'a'" },
        { Header + "dataset: {path: d.csv, target: {a: 1}, task: regression}\n", "dataset.target", "must be a column name or a list of column names, got a mapping" },
        { Header + "dataset: {path: d.csv, target: [a, [b]], task: regression}\n", "dataset.target[1]", "must be a name, got a list" },
        { Header + "dataset: {path: d.csv, target: y, task: binary, id_column: ''}\n", "dataset.id_column", "must name a column, got ''" },
        { Header + "dataset: {path: ' ', target: y, task: binary}\n", "dataset.path", "must name a CSV file, got ' '" },
        { Header + "dataset: {path: d.csv, target: ' ', task: binary}\n", "dataset.target", "must be a column name or a list of column names, got ' '" },
        { Header + "dataset: {path: d.csv, target: [a, ' '], task: regression}\n", "dataset.target[1]", "must be a name, got ' '" },
        { Header + "dataset: {path: d.csv, target: y, task: binary, id_column: ' '}\n", "dataset.id_column", "must name a column, got ' '" },
        { Header + "dataset: {path: d.csv, target: y, task: binary, features: [a, '  ']}\n", "dataset.features[1]", "must be a name, got '  '" },
        { Header + "dataset: {path: d.csv, target: y, task: binary, id_column: y}\n", "dataset.id_column", "'y' is also the target; the id column must be another column" },
        { Header + "dataset: {path: d.csv, target: y, task: binary, features: [a, y]}\n", "dataset.features", "'y' is a target column; a feature must be another column" },
        { Header + "dataset: {path: d.csv, target: y, task: binary, id_column: e, features: [e]}\n", "dataset.features", "'e' is the id column; a feature must be another column" },
        { Header + "dataset: {path: d.csv, target: y, task: binary, features: []}\n", "dataset.features", "must name at least one column (leave the field out to use every other column)" },
        { Header + "dataset: {path: d.csv, target: y, task: binary, features: [a, b, a]}\n", "dataset.features", "names each column once; repeated: 'a'" },
        { Header + "dataset: {path: d.csv, target: y, task: binary, features: a}\n", "dataset.features", "must be a list of names, got 'a'" },
        // test part and ensemble
        { Header + BinaryDataset + "test: {fraction: 0}\n", "test.fraction", "must be a number in (0, 1), got '0'" },
        { Header + BinaryDataset + "test: {fraction: 1}\n", "test.fraction", "must be a number in (0, 1), got '1'" },
        { Header + BinaryDataset + "test: {fraction: .nan}\n", "test.fraction", "must be a number in (0, 1), got '.nan'" },
        { Header + BinaryDataset + "test: {seed: x}\n", "test.seed", "must be a whole number from 0 to 18446744073709551615, got 'x'" },
        { Header + BinaryDataset + "test: {stratified: yes}\n", "test.stratified", "must be true or false, got 'yes'" },
        { Header + RegressionDataset + "test: {stratified: true}\n", "test.stratified", "needs class labels; task 'regression' allows only false" },
        { Header + RegressionDataset + "ensemble: {stratified: true}\n", "ensemble.stratified", "needs class labels; task 'regression' allows only false" },
        { Header + BinaryDataset + "ensemble: {members: 0}\n", "ensemble.members", "must be a whole number from 1 to 100000, got '0'" },
        { Header + BinaryDataset + "ensemble: {validation_fraction: 1.5}\n", "ensemble.validation_fraction", "must be a number in (0, 1), got '1.5'" },
        { Header + BinaryDataset + "ensemble: {member: 5}\n", "ensemble.member", "unknown field 'member'; did you mean 'members'?" },
        // model
        { Header + BinaryDataset + "model: {hidden: [32, 0]}\n", "model.hidden[1]", "must be a whole number from 1 to 65536, got '0'" },
        { Header + BinaryDataset + "model: {hidden: 32}\n", "model.hidden", "must be a list of whole numbers from 1 to 65536, got '32'" },
        { Header + BinaryDataset + "model: {activation: rellu}\n", "model.activation", "must be one of: relu, leaky_relu, tanh, sigmoid, gelu; got 'rellu'; did you mean 'relu'?" },
        { Header + BinaryDataset + "model: {dropout: 1}\n", "model.dropout", "must be a number in [0, 1), got '1'" },
        { Header + BinaryDataset + "model: {batch_norm: 1}\n", "model.batch_norm", "must be true or false, got '1'" },
        { Header + BinaryDataset + "model: {leaky_relu_slope: 0.1}\n", "model.leaky_relu_slope", "applies only to activation 'leaky_relu'" },
        { Header + BinaryDataset + "model: {leaky_relu_slope: -0.1, activation: leaky_relu}\n", "model.leaky_relu_slope", "must be a number >= 0, got '-0.1'" },
        { Header + BinaryDataset + "model: {init: kaiming}\n", "model.init", "must be one of: pytorch, he_uniform, he_normal, xavier_uniform, xavier_normal, orthogonal, he_xavier_uniform; got 'kaiming'" },
        { Header + BinaryDataset + "model: {init: pytroch}\n", "model.init", "must be one of: pytorch, he_uniform, he_normal, xavier_uniform, xavier_normal, orthogonal, he_xavier_uniform; got 'pytroch'; did you mean 'pytorch'?" },
        { Header + BinaryDataset + "model: {init: [he_uniform]}\n", "model.init", "must be one of: pytorch, he_uniform, he_normal, xavier_uniform, xavier_normal, orthogonal, he_xavier_uniform; got a list" },
        { Header + BinaryDataset + "model: {initialization: pytorch}\n", "model.initialization", "unknown field 'initialization'; allowed here: hidden, activation, dropout, batch_norm, residual, leaky_relu_slope, init, architecture, conv" },
        // training
        { Header + BinaryDataset + "training: {epochs: 0}\n", "training.epochs", "must be a whole number from 1 to 1000000, got '0'" },
        { Header + BinaryDataset + "training: {batch_size: 0}\n", "training.batch_size", "must be a whole number from 1 to 1048576, got '0'" },
        { Header + BinaryDataset + "training: {gradient_clip: 0}\n", "training.gradient_clip", "must be a number > 0, got '0'" },
        { Header + BinaryDataset + "training: {fgsm_epsilon: -0.01}\n", "training.fgsm_epsilon", "must be a number > 0, got '-0.01'" },
        { Header + BinaryDataset + "training: {threads: 0}\n", "training.threads", "must be a whole number from 1 to 1024, got '0'" },
        { Header + BinaryDataset + "training: {optimizer: {learning_rate: -1}}\n", "training.optimizer.learning_rate", "must be a number > 0, got '-1'" },
        { Header + BinaryDataset + "training: {optimizer: {name: adagrad}}\n", "training.optimizer.name", "must be one of: sgd, adam, adamw; got 'adagrad'" },
        { Header + BinaryDataset + "training: {optimizer: {momentum: 0.9}}\n", "training.optimizer.momentum", "applies only to optimizer 'sgd' (optimizer is 'adam')" },
        { Header + BinaryDataset + "training: {optimizer: {name: adamw, nesterov: true}}\n", "training.optimizer.nesterov", "applies only to optimizer 'sgd' (optimizer is 'adamw')" },
        { Header + BinaryDataset + "training: {optimizer: {name: sgd, momentum: 1}}\n", "training.optimizer.momentum", "must be a number in [0, 1), got '1'" },
        { Header + BinaryDataset + "training: {optimizer: {name: sgd, nesterov: true}}\n", "training.optimizer.nesterov", "needs momentum > 0" },
        { Header + BinaryDataset + "training: {optimizer: {name: sgd, betas: [0.9, 0.99]}}\n", "training.optimizer.betas", "applies only to optimizers 'adam' and 'adamw' (optimizer is 'sgd')" },
        { Header + BinaryDataset + "training: {optimizer: {name: sgd, epsilon: 1e-8}}\n", "training.optimizer.epsilon", "applies only to optimizers 'adam' and 'adamw' (optimizer is 'sgd')" },
        { Header + BinaryDataset + "training: {optimizer: {betas: [0.9, 0.99, 0.5]}}\n", "training.optimizer.betas", "must be two numbers [beta1, beta2], each in [0, 1), got 3" },
        { Header + BinaryDataset + "training: {optimizer: {betas: [0.9, 1]}}\n", "training.optimizer.betas[1]", "must be a number in [0, 1), got '1'" },
        { Header + BinaryDataset + "training: {optimizer: {weight_decay: -1}}\n", "training.optimizer.weight_decay", "must be a number >= 0, got '-1'" },
        { Header + BinaryDataset + "training: {optimizer: {learning_rat: 0.1}}\n", "training.optimizer.learning_rat", "unknown field 'learning_rat'; did you mean 'learning_rate'?" },
        { Header + BinaryDataset + "training: {schedule: {name: cosine, step_epochs: 5}}\n", "training.schedule.step_epochs", "applies only to schedule 'step' (schedule is 'cosine')" },
        { Header + BinaryDataset + "training: {schedule: {step_gamma: 0.5}}\n", "training.schedule.step_gamma", "applies only to schedule 'step' (schedule is 'constant')" },
        { Header + BinaryDataset + "training: {schedule: {name: step, step_gamma: 0}}\n", "training.schedule.step_gamma", "must be a number in (0, 1], got '0'" },
        { Header + BinaryDataset + "training: {schedule: {name: step, min_learning_rate: 0.0001}}\n", "training.schedule.min_learning_rate", "applies only to schedule 'cosine' (schedule is 'step')" },
        { Header + BinaryDataset + "training: {optimizer: {learning_rate: 0.01}, schedule: {name: cosine, min_learning_rate: 0.02}}\n", "training.schedule.min_learning_rate", "must be below the learning rate 0.01, got 0.02" },
        { Header + BinaryDataset + "training: {epochs: 5, schedule: {warmup_epochs: 5}}\n", "training.schedule.warmup_epochs", "must be fewer than the 5 epochs, got 5" },
        { Header + BinaryDataset + "training: {loss: {name: mse}}\n", "training.loss.name", "'mse' does not fit task 'binary'; allowed for it: auto, binary_cross_entropy, focal" },
        { Header + RegressionDataset + "training: {loss: {name: focal}}\n", "training.loss.name", "'focal' does not fit task 'regression'; allowed for it: auto, mse, huber" },
        { Header + BinaryDataset + "training: {loss: {focal_gamma: 2}}\n", "training.loss.focal_gamma", "applies only to loss 'focal' (loss is 'auto')" },
        { Header + BinaryDataset + "training: {loss: {name: focal, focal_alpha: 1}}\n", "training.loss.focal_alpha", "must be a number in (0, 1), got '1'" },
        { Header + RegressionDataset + "training: {loss: {name: mse, huber_delta: 1}}\n", "training.loss.huber_delta", "applies only to loss 'huber' (loss is 'mse')" },
        { Header + RegressionDataset + "training: {loss: {class_weights: [1, 2]}}\n", "training.loss.class_weights", "applies only to classification tasks (binary, multiclass)" },
        { Header + BinaryDataset + "training: {loss: {class_weights: [1, 2, 3]}}\n", "training.loss.class_weights", "must be two weights [negative, positive] for task 'binary', got 3" },
        { Header + "dataset: {path: d.csv, target: y, task: multiclass}\ntraining: {loss: {class_weights: [1]}}\n", "training.loss.class_weights", "must be one weight per class (at least 2), got 1" },
        { Header + BinaryDataset + "training: {loss: {class_weights: [1, 0]}}\n", "training.loss.class_weights[1]", "must be a number > 0, got '0'" },
        { Header + BinaryDataset + "training: {early_stopping: {metric: val_aucc}}\n", "training.early_stopping.metric", "must be an epoch metric of task 'binary': val_loss, val_accuracy, val_auc, val_pr_auc, val_log_loss, val_brier, val_ece, train_loss; got 'val_aucc'; did you mean 'val_auc'?" },
        { Header + BinaryDataset + "training: {early_stopping: {patience: 0}}\n", "training.early_stopping.patience", "must be a whole number from 1 to 1000000, got '0'" },
        { Header + BinaryDataset + "training: {early_stopping: {mode: maximum}}\n", "training.early_stopping.mode", "must be one of: auto, min, max; got 'maximum'" },
        { Header + BinaryDataset + "training: {early_stopping: {min_delta: -1}}\n", "training.early_stopping.min_delta", "must be a number >= 0, got '-1'" },
    };

    [Theory]
    [MemberData(nameof(InvalidSpecs))]
    public void A_wrong_spec_is_refused_with_the_field_and_what_is_allowed(string yaml, string path, string message)
    {
        var errors = Errors(yaml);

        var error = Assert.Single(errors);
        Assert.Equal(path, error.Path);
        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void All_errors_are_reported_at_once_in_the_order_of_the_file_with_lines_and_columns()
    {
        // Read in another order (model before training; epochs before the optimizer), listed by line then column;
        // a missing field of a block is reported at the block, one of the document (name) at no place, so last.
        const string yaml = """
            kind: ensemble
            dataset:
              path: d.csv
              target: y
            training:
              optimizer:
                learning_rate: -1
              epochs: 0
            traning: {}
            model: {hidden: [32, 0, -1]}
            """;

        var exception = Assert.Throws<SpecException>(() => Parse(yaml));

        Assert.Equal(
            """
            The campaign spec has 7 errors:
              line 2, column 1: dataset.task: is required: one of: binary, multiclass, regression
              line 7, column 20: training.optimizer.learning_rate: must be a number > 0, got '-1'
              line 8, column 11: training.epochs: must be a whole number from 1 to 1000000, got '0'
              line 9, column 1: traning: unknown field 'traning'; did you mean 'training'?
              line 10, column 22: model.hidden[1]: must be a whole number from 1 to 65536, got '0'
              line 10, column 25: model.hidden[2]: must be a whole number from 1 to 65536, got '-1'
              name: is required: a campaign name of 1 to 100 characters
            """.ReplaceLineEndings("\n"),
            exception.Message);
        Assert.Equal(
            ["dataset.task", "training.optimizer.learning_rate", "training.epochs", "traning", "model.hidden[1]", "model.hidden[2]", "name"],
            exception.Errors.Select(e => e.Path));
    }

    public static TheoryData<string, int, int, string> MalformedYaml => new()
    {
        // an unclosed list followed by another field (YamlDotNet fails with no position there), and at the end of the file
        { "name: demo\nkind: ensemble\nmodel:\n  hidden: [128, 128\ntraining:\n  epochs: 3\n", 4, 11, "the list that starts with '[' here is not closed: a ']' is missing" },
        { "name: demo\nmodel:\n  hidden: [128, 128\n", 3, 11, "the list that starts with '[' here is not closed: a ']' is missing" },
        { "name: demo\nmodel:\n  hidden: [128, 128}\n", 3, 11, "the list that starts with '[' here is not closed: a ']' is missing" },
        { "dataset: {path: d.csv, target: y\nmodel: {}\n", 1, 10, "the block that starts with '{' here is not closed: a '}' is missing" },
        { "name: demo\n[kind: ensemble\nseed: 7\n", 2, 1, "the list that starts with '[' here is not closed: a ']' is missing" },
        { "name: demo\nmodel: {hidden: [1, , 2]}\n", 2, 21, "a value is expected here, not ','" },
        // indentation
        { "name: demo\nmodel:\n    hidden: [1]\n  activation: relu\n", 4, 3,
            "a field is expected here: check this line's indentation (the fields of one block start in the same column) and that nothing is left over before it" },
        { "name: demo\n  kind: ensemble\n", 2, 7,
            "a 'field: value' cannot start here: indent this line like the fields of its block, and put a value that contains ': ' in quotes" },
        { "name: demo\nmodel:\n  hidden:\n    - 1\n    width: 2\n", 5, 5, "a list item ('- ...') is expected here: check this line's indentation" },
        { "\n  name: demo\nkind: ensemble\n", 3, 1,
            "this line does not line up with the fields above it: the top-level fields of a spec all start in the same column" },
        { "name: demo\nkind", 2, 1, "a ':' is missing after the field name here (write 'field: value')" },
        { "name: : demo\n", 1, 7, "a ': ' cannot follow here: put a value that contains ': ' in quotes" },
        { "name: - demo\n", 1, 7, "a list item ('- ') cannot start here: write the list on the lines below its field, indented, or as [a, b]" },
        // tabs, reported where the tab is (YamlDotNet says line 1, or the line of the value before)
        { "name: demo\nmodel:\n\thidden: [1]\n", 3, 1, "a tab indents this line; YAML indents with spaces only" },
        { "name: demo\n\tkind: ensemble\n", 2, 1, "a tab indents this line; YAML indents with spaces only" },
        { "name: demo\nmodel:\n  hidden:\n  \t- 1\n", 4, 3, "a tab indents this line; YAML indents with spaces only" },
        { "\tname: demo\nkind: ensemble\n", 1, 1, "a tab indents this line; YAML indents with spaces only" },
        // duplicate keys, quotes, characters and anchors
        { "name: demo\nseed: 1\nseed: 2\n", 3, 1, "'seed' is given twice in the same block; keep one" },
        { "name: 'demo\nkind: ensemble\n", 1, 7, "the quoted text that starts here is not closed: the closing ' is missing" },
        { "name: \"demo\nkind: ensemble\n", 1, 7, "the quoted text that starts here is not closed: the closing \" is missing" },
        { "name: \"a\\q\"\n", 1, 7,
            "the text in double quotes that starts here has an unknown escape (a '\\' and a letter YAML does not know); write '\\\\' for a backslash, or use single quotes" },
        { "name: @home\n", 1, 7, "'@' cannot start a value; put the value in quotes" },
        { "name: demo\nkind: *k\n", 2, 7, "'*k' refers to an anchor that is not defined above it; mark the value it stands for with '&k' first" },
        { "name: \"demo\"#x\n", 1, 13, "a '#' starts a comment only after a space; add one before it, or put the text in quotes" },
        // YamlDotNet fails on the end of the block that the alias should have had a value in
        { "name: demo\ndataset: {path: d.csv}*a\n", 3, 1, "not valid YAML here or just before" },
        // documents that are not one mapping
        { "- a\n- b\n", 1, 1, "a spec is a mapping of fields (name: ..., kind: ...), got a list" },
        { "ensemble\n", 1, 1, "a spec is a mapping of fields (name: ..., kind: ...), got 'ensemble'" },
        { Header + BinaryDataset + "---\nname: other\n", 6, 1, "a spec holds one YAML document; remove the '---' separators" },
    };

    [Theory]
    [MemberData(nameof(MalformedYaml))]
    public void Malformed_yaml_is_a_spec_error_at_the_line_and_column_to_fix(string yaml, int line, int column, string message)
    {
        var exception = Assert.Throws<SpecException>(() => Parse(yaml));

        Assert.Equal($"The campaign spec has 1 error:\n  line {line}, column {column}: {message}", exception.Message);
        Assert.Equal(new SpecError("", message, line, column), Assert.Single(exception.Errors));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n")]
    [InlineData("# name: demo\n")]
    [InlineData("~\n")]
    public void An_empty_spec_says_what_it_needs(string yaml)
    {
        var exception = Assert.Throws<SpecException>(() => Parse(yaml));

        Assert.Equal("The campaign spec has 1 error:\n  the spec is empty; it needs at least name, kind and dataset", exception.Message);
    }

    /// <summary>
    /// Every cut of a full spec, and every insertion of a YAML-significant character into it, either parses or is refused
    /// with a SpecException in plain words: never another exception, never .NET's wording.
    /// </summary>
    [Fact]
    public void No_broken_document_escapes_as_anything_but_a_spec_error()
    {
        var full = Header + """
            dataset: {path: d.csv, target: y, task: binary, id_column: id}
            test:
              fraction: 0.25
            model:
              hidden: [64, 32]
              activation: "relu"
            training:
              optimizer: {name: adam, learning_rate: 0.001}
              early_stopping:
                metric: 'val_loss'
            ensemble: {members: 3}
            """;
        string[] inserts = ["[", "]", "{", "}", "'", "\"", "\t", "\n  ", "\n", ": ", "- ", "*a", "&a ", "!", "!!int ", "%", "@", "|", ">", "#", "? ", ",", "---\n"];
        var variants = Enumerable.Range(0, full.Length).Select(i => full[..i])
            .Concat(Enumerable.Range(0, full.Length + 1).SelectMany(i => inserts.Select(insert => full.Insert(i, insert))));

        foreach (var yaml in variants)
        {
            try
            {
                Parse(yaml);
            }
            catch (SpecException e)
            {
                Assert.DoesNotContain("System.", e.Message);
                Assert.DoesNotContain("Exception", e.Message);
                Assert.DoesNotContain("Operation is not valid", e.Message);
            }
        }
    }

    [Theory]
    [InlineData("retries: 99999999999\n", "retries", "must be a whole number from 0 to 100, got '99999999999'")]
    [InlineData("retries: 99999999999999999999999\n", "retries", "must be a whole number from 0 to 100, got '99999999999999999999999'")]
    [InlineData("seed: 99999999999999999999999\n", "seed", "must be a whole number from 0 to 18446744073709551615, got '99999999999999999999999'")]
    [InlineData("training: {epochs: 1e3}\n", "training.epochs", "must be a whole number from 1 to 1000000, got '1e3'")]
    public void Numbers_out_of_any_range_are_refused_in_plain_words(string field, string path, string message)
    {
        var error = Assert.Single(Errors("name: demo\nkind: ensemble\n" + BinaryDataset + field));

        Assert.Equal(path, error.Path);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Unknown_fields_are_found_at_every_depth()
    {
        var errors = Errors(Header + BinaryDataset + """
            model: {hiden: [3]}
            training: {optimizer: {nam: sgd}, loss: {nme: mse}, early_stopping: {patiense: 3}, schedule: {nmae: step}}
            test: {fractoin: 0.1}
            """);

        Assert.Equal(
            ["model.hiden", "test.fractoin", "training.early_stopping.patiense", "training.loss.nme", "training.optimizer.nam", "training.schedule.nmae"],
            errors.Select(e => e.Path).Order(StringComparer.Ordinal).ToArray());
        Assert.All(errors, e => Assert.Contains("did you mean", e.Message));
    }
}
