using System.Text.Json.Nodes;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Nn;
using EnsembleFarm.Models.Persistence;
using EnsembleFarm.Models.Tests.Training;
using EnsembleFarm.Models.Training;
using Xunit;

namespace EnsembleFarm.Models.Tests.Persistence;

public class TrainedModelPersistenceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TrainedModel TrainBinary() =>
        Trainer.Fit(new NetworkSpec([8, 8], Activation.Gelu, Dropout: 0.1f, BatchNorm: true, Residual: true, Initialization: Initialization.Orthogonal),
            TrainingData.Ring(200, seed: 1), null, new TrainingOptions { Epochs = 3, Seed = 2 }, ct: Ct).Model;

    [Fact]
    public void Saved_and_reloaded_model_predicts_bit_identically()
    {
        var model = TrainBinary();
        var data = TrainingData.Ring(300, seed: 3);
        var directory = Path.Combine(Path.GetTempPath(), "ef-model-" + Guid.NewGuid().ToString("N"));
        try
        {
            model.Save(directory);
            Assert.True(File.Exists(Path.Combine(directory, "model.safetensors")));
            var loaded = TrainedModel.Load(directory);

            Assert.Equal(model.Predict(data), loaded.Predict(data));
            Assert.Equal(model.Task, loaded.Task);
            Assert.Equal(model.Network.Hidden, loaded.Network.Hidden);
            Assert.Equal(model.Network with { Hidden = [] }, loaded.Network with { Hidden = [] });
            Assert.Equal(model.Standardizer.Mean, loaded.Standardizer.Mean);
            Assert.Equal(model.Standardizer.Scale, loaded.Standardizer.Scale);
            Assert.Equal(model.FeatureNames, loaded.FeatureNames);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Serialized_multiclass_and_regression_models_round_trip()
    {
        var blobs = TrainingData.Blobs(90, seed: 4);
        var classifier = Trainer.Fit(new NetworkSpec([6]), blobs, null, new TrainingOptions { Epochs = 2 }, ct: Ct).Model;
        var (weights, json) = classifier.Serialize();
        var copy = TrainedModel.Deserialize(weights, json);
        Assert.Equal(3, copy.ClassCount);
        Assert.Equal(3, copy.OutputWidth);
        Assert.Equal(classifier.Predict(blobs), copy.Predict(blobs));

        var wave = TrainingData.SquareWaveGrid(64);
        var regressor = Trainer.Fit(new NetworkSpec([], Activation.Tanh), wave, null, new TrainingOptions { Epochs = 2 }, ct: Ct).Model;
        var regressorCopy = TrainedModel.Deserialize(regressor.Serialize().Weights, regressor.Serialize().Json);
        Assert.Equal(0, regressorCopy.ClassCount);
        Assert.Equal(regressor.Predict(wave), regressorCopy.Predict(wave));
    }

    [Fact]
    public void Weights_use_pytorch_names_and_layouts()
    {
        var model = TrainBinary();
        var tensors = SafeTensors.Read(model.Serialize().Weights);
        Assert.Equal([8, 4], tensors["layers.0.weight"].Shape);
        Assert.Equal([8], tensors["layers.0.bias"].Shape);
        Assert.Equal([8, 8], tensors["layers.1.weight"].Shape);
        Assert.Equal([1, 8], tensors["layers.2.weight"].Shape);
        foreach (var suffix in new[] { "weight", "bias", "running_mean", "running_var" })
            Assert.Equal([8], tensors["norms.1." + suffix].Shape);
        Assert.Equal(14, tensors.Count);
    }

    [Fact]
    public void Json_names_the_architecture_task_and_standardisation()
    {
        var json = JsonNode.Parse(TrainBinary().Serialize().Json)!;
        Assert.Equal("ensemblefarm.dense-network", (string?)json["format"]);
        Assert.Equal("binary", (string?)json["task"]);
        Assert.Equal("gelu", (string?)json["network"]!["activation"]);
        Assert.True((bool?)json["network"]!["residual"]);
        Assert.Equal("orthogonal", (string?)json["network"]!["initialization"]);
        Assert.Equal(4, json["standardizer"]!["mean"]!.AsArray().Count);
        Assert.Equal(4, json["featureNames"]!.AsArray().Count);
    }

    [Fact]
    public void A_model_saved_before_initialisation_was_recorded_reads_as_started_by_the_old_default()
    {
        var (weights, json) = TrainBinary().Serialize();
        var document = JsonNode.Parse(json)!;
        Assert.True(document["network"]!.AsObject().Remove("initialization"));

        var loaded = TrainedModel.Deserialize(weights, document.ToJsonString());

        Assert.Equal(Initialization.HeXavierUniform, loaded.Network.Initialization);
    }

    [Fact]
    public void Deserialize_rejects_weights_that_do_not_fit_the_architecture()
    {
        var (weights, json) = TrainBinary().Serialize();
        var narrower = json.Replace("\"hidden\": [\n      8,\n      8\n    ]", "\"hidden\": [\n      8,\n      7\n    ]");
        Assert.NotEqual(json, narrower);
        var error = Assert.Throws<InvalidDataException>(() => TrainedModel.Deserialize(weights, narrower));
        Assert.Contains("layers.1.weight", error.Message);
        Assert.Throws<InvalidDataException>(() => TrainedModel.Deserialize(weights, "{\"format\":\"other\"}"));
    }

    [Fact]
    public void Predict_checks_the_feature_width()
    {
        var model = TrainBinary();
        var narrow = new Dataset(["a"], [1f], ["y"], [0f], TaskKind.Binary, 2);
        Assert.Contains("1 feature columns but the model was trained on 4", Assert.Throws<ArgumentException>(() => model.Predict(narrow)).Message);
        Assert.Throws<ArgumentException>(() => model.Predict(new float[7], 2));
    }

    [Fact]
    public void Batches_of_whole_inference_chunks_predict_bit_identically_to_one_call_on_all_rows()
    {
        var model = TrainBinary();
        var data = TrainingData.Ring(3 * TrainedModel.InferenceChunkRows + 77, seed: 5);
        var whole = model.Predict(data);

        var batched = new float[data.Rows];
        var batchRows = 2 * TrainedModel.InferenceChunkRows;
        for (var start = 0; start < data.Rows; start += batchRows)
        {
            var rows = Math.Min(batchRows, data.Rows - start);
            model.Predict(data.Features.AsSpan(start * data.Columns, rows * data.Columns), rows, batched.AsSpan(start));
        }

        Assert.Equal(whole, batched);
        Assert.Throws<ArgumentException>(() => model.Predict(data.Features.AsSpan(0, 2 * data.Columns), 2, new float[1]));
    }

    [Fact]
    public void A_clone_predicts_bit_identically_and_shares_no_buffers()
    {
        var model = TrainBinary();
        var data = TrainingData.Ring(300, seed: 6);
        var other = TrainingData.Ring(50, seed: 7);

        var clone = model.Clone();
        var expected = model.Predict(data);
        var interleaved = new float[data.Rows];
        Parallel.For(0, 2, i =>
        {
            if (i == 0) clone.Predict(data.Features, data.Rows, interleaved);
            else model.Predict(other);
        });

        Assert.Equal(expected, interleaved);
        Assert.Equal(model.Serialize().Weights, clone.Serialize().Weights);
        Assert.Equal(model.Serialize().Json, clone.Serialize().Json);
    }
}
