using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EnsembleFarm.Domain.Planning;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Nn;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Specs;

/// <summary>The spec's <c>trainer</c> field, a cnn1d's <c>model.conv</c>, and the sections as a command trainer reads them.</summary>
public class TrainerSpecTests
{
    private const string Header = "name: demo\nkind: ensemble\nseed: 7\ndataset: {path: spectra.csv, target: class, task: multiclass}\n";
    private const string Command = "trainer: {command: pytorch}\n";

    private static CampaignSpec Parse(string yaml) => SpecParser.Parse(yaml, "/specs");

    private static SpecError Error(string yaml) => Assert.Single(Assert.Throws<SpecException>(() => Parse(yaml)).Errors);

    [Fact]
    public void The_built_in_trainer_is_the_default_and_may_be_named()
    {
        Assert.True(Parse(Header).Trainer.IsBuiltIn);
        Assert.True(Parse(Header + "trainer: builtin\n").Trainer.IsBuiltIn);
        Assert.True(Parse(Header + "trainer:\n").Trainer.IsBuiltIn);
    }

    [Fact]
    public void A_command_trainer_is_named_by_its_alias()
    {
        var spec = Parse(Header + Command);

        Assert.Equal(new TrainerSpec("pytorch"), spec.Trainer);
        Assert.Equal("command 'pytorch'", spec.Trainer.ToString());
    }

    public static TheoryData<string, string, string> WrongTrainers => new()
    {
        { "trainer: biultin\n", "trainer", "must be 'builtin' (the default) or a block {command: ALIAS} naming a command the silos allow; got 'biultin'; did you mean 'builtin'?" },
        { "trainer: pytorch\n", "trainer", "must be 'builtin' (the default) or a block {command: ALIAS} naming a command the silos allow; got 'pytorch'; for a command trainer write trainer: {command: pytorch}" },
        { "trainer: [pytorch]\n", "trainer", "must be 'builtin' (the default) or a block {command: ALIAS} naming a command the silos allow; got a list" },
        { "trainer: {command: builtin}\n", "trainer.command", "'builtin' is not a command; for the built-in trainer write trainer: builtin" },
        { "trainer: {command: /usr/bin/python3 train.py}\n", "trainer.command",
            "must be the alias of a command the silos allow (letters, digits and '_', up to 64), not a program or a path: a silo runs only the commands its operator configured (EnsembleFarm__Silo__Commands__ALIAS); got '/usr/bin/python3 train.py'" },
        { "trainer: {}\n", "trainer.command", "is required: the alias of a command the silos' operators allowed, e.g. pytorch" },
    };

    [Theory]
    [MemberData(nameof(WrongTrainers))]
    public void A_wrong_trainer_is_refused_with_what_is_allowed(string trainer, string path, string message)
    {
        var error = Error(Header + trainer);

        Assert.Equal(path, error.Path);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_misspelt_trainer_field_is_refused_at_its_place_with_the_nearest_name()
    {
        var errors = Assert.Throws<SpecException>(() => SpecParser.Parse(Header + "trainer:\n  comand: pytorch\n", "/specs", "agn.yaml")).Errors;

        Assert.Equal(
        [
            "agn.yaml:6:3: trainer.comand: unknown field 'comand'; did you mean 'command'?",
            "agn.yaml:5:1: trainer.command: is required: the alias of a command the silos' operators allowed, e.g. pytorch",
        ], errors.Select(e => e.Format("agn.yaml")).OrderByDescending(e => e.Contains("comand", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_cnn1d_reads_its_stages_with_their_defaults()
    {
        var spec = Parse(Header + Command + """
            model:
              architecture: cnn1d
              conv:
                - {filters: 16, kernel: 7, pool: 2}
                - {filters: 32, kernel: 4, padding: valid}
              hidden: [64]
              batch_norm: true
            """);

        Assert.Equal([new Conv1dStage(16, 7, 2), new Conv1dStage(32, 4, 1, Conv1dPadding.Valid)], spec.Model.Conv!);
        Assert.Equal([64], spec.Model.Hidden);
        Assert.True(spec.Model.BatchNorm);
        Assert.Null(Parse(Header + Command + "model: {hidden: [8]}\n").Model.Conv);
    }

    public static TheoryData<string, string, string> WrongConvolutions => new()
    {
        { "model: {architecture: cnn1d, conv: [{filters: 4, kernel: 3}]}\n", "model.architecture",
            "'cnn1d' needs a command trainer (trainer: {command: ALIAS}, e.g. pytorch): the built-in trainer trains dense networks" },
        { Command + "model: {architecture: cnn2d}\n", "model.architecture", "must be one of: dense, cnn1d; got 'cnn2d'; did you mean 'cnn1d'?" },
        { Command + "model: {conv: [{filters: 4, kernel: 3}]}\n", "model.conv", "applies only to architecture 'cnn1d' (add architecture: cnn1d)" },
        { Command + "model: {architecture: cnn1d}\n", "model.conv", "is required: a list of convolution stages, e.g. [{filters: 16, kernel: 7, pool: 2}]" },
        { Command + "model: {architecture: cnn1d, conv: []}\n", "model.conv", "must list at least one convolution stage, e.g. [{filters: 16, kernel: 7, pool: 2}]" },
        { Command + "model: {architecture: cnn1d, conv: [16]}\n", "model.conv[0]", "must be a block of fields (filters, kernel, pool, padding), got '16'" },
        { Command + "model: {architecture: cnn1d, conv: [{filters: 4, kernel: 6}]}\n", "model.conv[0].kernel",
            "is even (6); padding 'same' adds (kernel − 1)/2 zeros at each end, so it needs an odd kernel: use an odd kernel or padding: valid" },
        { Command + "model: {architecture: cnn1d, conv: [{filters: 4, kernal: 5}]}\n", "model.conv[0].kernal", "unknown field 'kernal'; did you mean 'kernel'?" },
        { Command + "model: {architecture: cnn1d, conv: [{filters: 0, kernel: 5}]}\n", "model.conv[0].filters", "must be a whole number from 1 to 65536, got '0'" },
        { Command + "model: {architecture: cnn1d, conv: [{filters: 4, kernel: 5, padding: full}]}\n", "model.conv[0].padding", "must be one of: same, valid; got 'full'" },
    };

    [Theory]
    [MemberData(nameof(WrongConvolutions))]
    public void A_wrong_cnn1d_is_refused_with_what_is_allowed(string model, string path, string message)
    {
        var errors = Assert.Throws<SpecException>(() => Parse(Header + model)).Errors;

        var error = errors.First(e => e.Path == path);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Convolutions_that_leave_nothing_of_the_data_are_refused_when_the_data_is_read()
    {
        var spec = Parse(Header + Command + "model: {architecture: cnn1d, conv: [{filters: 2, kernel: 3, pool: 4}, {filters: 2, kernel: 5, padding: valid}]}\n");
        var data = new Dataset([.. Enumerable.Range(0, 12).Select(i => $"bin_{i}")], new float[12 * 6], ["class"], [0, 1, 0, 1, 0, 1],
            TaskKind.Multiclass, 2);

        var error = Assert.Single(Assert.Throws<SpecException>(() => CampaignPlan.Create(spec, data)).Errors);

        Assert.Equal("model.conv[1]", error.Path);
        Assert.StartsWith("leaves nothing of the data's 12 features", error.Message);
    }

    [Fact]
    public void A_command_trainer_reads_every_setting_resolved_under_the_specs_own_names()
    {
        var spec = Parse(Header + Command + """
            model: {architecture: cnn1d, conv: [{filters: 8, kernel: 5, pool: 2}], hidden: [16], activation: leaky_relu, dropout: 0.25}
            training:
              epochs: 12
              optimizer: {name: adamw, learning_rate: 0.003, weight_decay: 0.0001}
              early_stopping: {metric: val_accuracy, patience: 3}
              loss: {class_weights: [1, 2, 2, 1]}
            """);

        var model = Json(w => SpecJson.WriteModel(w, spec.Model));
        var training = Json(w => SpecJson.WriteTraining(w, spec.Training, spec.Dataset.Task));

        Assert.Equal("""
            {"architecture":"cnn1d","conv":[{"filters":8,"kernel":5,"pool":2,"padding":"same"}],"hidden":[16],"activation":"leaky_relu","leaky_relu_slope":0.01,"dropout":0.25,"batch_norm":false,"residual":false,"init":"pytorch"}
            """, model.ToJsonString());
        Assert.Equal(0.003, (double)training["optimizer"]!["learning_rate"]!);
        Assert.Equal("0.003", training["optimizer"]!["learning_rate"]!.ToJsonString());
        Assert.Equal("softmax_cross_entropy", (string?)training["loss"]!["name"]);
        Assert.Equal("[1,2,2,1]", training["loss"]!["class_weights"]!.ToJsonString());
        Assert.Equal("max", (string?)training["early_stopping"]!["mode"]);
        Assert.Null(training["gradient_clip"]);
        Assert.Equal(12, (int)training["epochs"]!);
    }

    private static JsonNode Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) write(writer);
        return JsonNode.Parse(Encoding.UTF8.GetString(stream.ToArray()))!;
    }
}
