using System.Text.Json;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Metrics;
using EnsembleFarm.Models.Nn;
using EnsembleFarm.Models.Training;

namespace EnsembleFarm.Domain.Specs;

/// <summary>
/// A validated spec's <c>model</c> and <c>training</c> sections as JSON, for a trainer that runs outside the silo (the
/// command trainer's trial file, docs/trainer-protocol.md). Field names and the names of choices are the YAML's
/// (docs/spec.md), every default is filled in, and what the spec leaves to the farm is decided here, so that every
/// trainer reads the same settings: <c>loss.name</c> is never <c>auto</c> and <c>early_stopping.mode</c> never
/// <c>auto</c>. Numbers given as float32 are written in their shortest round-trip form (0.001, not 0.0010000000474974513).
/// </summary>
public static class SpecJson
{
    public static void WriteModel(Utf8JsonWriter json, NetworkSpec model)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(model);
        json.WriteStartObject();
        json.WriteString("architecture", SpecVocabulary.Architectures.Name(model.IsConvolutional ? ModelArchitecture.Cnn1d : ModelArchitecture.Dense));
        if (model.IsConvolutional)
        {
            json.WriteStartArray("conv");
            foreach (var stage in model.Conv!)
            {
                json.WriteStartObject();
                json.WriteNumber("filters", stage.Filters);
                json.WriteNumber("kernel", stage.Kernel);
                json.WriteNumber("pool", stage.Pool);
                json.WriteString("padding", SpecVocabulary.Paddings.Name(stage.Padding));
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        json.WriteStartArray("hidden");
        foreach (var width in model.Hidden) json.WriteNumberValue(width);
        json.WriteEndArray();
        json.WriteString("activation", SpecVocabulary.Activations.Name(model.Activation));
        json.WriteNumber("leaky_relu_slope", model.LeakyReluSlope);
        json.WriteNumber("dropout", model.Dropout);
        json.WriteBoolean("batch_norm", model.BatchNorm);
        json.WriteBoolean("residual", model.Residual);
        json.WriteString("init", SpecVocabulary.Initializations.Name(model.Initialization));
        json.WriteEndObject();
    }

    public static void WriteTraining(Utf8JsonWriter json, TrainingOptions training, TaskKind task)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(training);
        json.WriteStartObject();
        json.WriteNumber("epochs", training.Epochs);
        json.WriteNumber("batch_size", training.BatchSize);
        json.WriteNumber("threads", training.Threads);
        WriteOptional(json, "gradient_clip", training.GradientClipNorm);
        WriteOptional(json, "fgsm_epsilon", training.FgsmEpsilon);

        var optimizer = training.Optimizer;
        json.WriteStartObject("optimizer");
        json.WriteString("name", SpecVocabulary.Optimizers.Name(optimizer.Kind));
        json.WriteNumber("learning_rate", optimizer.LearningRate);
        json.WriteNumber("weight_decay", optimizer.WeightDecay);
        json.WriteNumber("momentum", optimizer.Momentum);
        json.WriteBoolean("nesterov", optimizer.Nesterov);
        json.WriteStartArray("betas");
        json.WriteNumberValue(optimizer.Beta1);
        json.WriteNumberValue(optimizer.Beta2);
        json.WriteEndArray();
        json.WriteNumber("epsilon", optimizer.Epsilon);
        json.WriteEndObject();

        var schedule = training.Schedule;
        json.WriteStartObject("schedule");
        json.WriteString("name", SpecVocabulary.Schedules.Name(schedule.Kind));
        json.WriteNumber("warmup_epochs", schedule.WarmupEpochs);
        json.WriteNumber("step_epochs", schedule.StepEpochs);
        json.WriteNumber("step_gamma", schedule.StepGamma);
        json.WriteNumber("min_learning_rate", schedule.MinLearningRate);
        json.WriteEndObject();

        var loss = training.Loss;
        json.WriteStartObject("loss");
        json.WriteString("name", SpecVocabulary.Losses.Name(loss.KindFor(task)));
        json.WriteNumber("focal_gamma", loss.FocalGamma);
        WriteOptional(json, "focal_alpha", loss.FocalAlpha);
        json.WriteNumber("huber_delta", loss.HuberDelta);
        if (loss.ClassWeights is { } weights)
        {
            json.WriteStartArray("class_weights");
            foreach (var weight in weights) json.WriteNumberValue(weight);
            json.WriteEndArray();
        }
        else
        {
            json.WriteNull("class_weights");
        }
        json.WriteEndObject();

        if (training.EarlyStopping is { } stopping)
        {
            json.WriteStartObject("early_stopping");
            json.WriteString("metric", stopping.Metric);
            json.WriteNumber("patience", stopping.Patience);
            json.WriteNumber("min_delta", stopping.MinDelta);
            var maximize = stopping.Maximize ?? TaskMetrics.IsHigherBetter(stopping.Metric);
            json.WriteString("mode", SpecVocabulary.EarlyStoppingModes.Name(maximize ? EarlyStoppingMode.Max : EarlyStoppingMode.Min));
            json.WriteBoolean("restore_best", stopping.RestoreBest);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("early_stopping");
        }
        json.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, float? value)
    {
        if (value is { } number) json.WriteNumber(name, number);
        else json.WriteNull(name);
    }
}
