using System.Runtime.InteropServices;
using System.Text.Json;
using EnsembleFarm.Domain.Planning;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Training;

namespace EnsembleFarm.TrainerAccuracy;

/// <summary>
/// Writes what the PyTorch side needs to train the very members the farm would (format: the docstring of
/// bench/trainer_accuracy.py): the data as the farm read it, the test rows, each member's training and validation rows
/// and seeds, and the hyper-parameters. Row lists are little-endian int32 files, the data float32.
/// </summary>
internal static class MemberExport
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    /// <summary>The activation and the initialisation scheme are written by their C# names (Relu, PyTorch, HeXavierUniform…).</summary>
    public static void Write(string folder, string title, CampaignSpec spec, Dataset data, CampaignPlan plan,
        IReadOnlyList<(int[] Train, int[] Validation)> memberRows)
    {
        var rowsFolder = Directory.CreateDirectory(Path.Combine(folder, "rows")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "features.f32"), MemoryMarshal.AsBytes(data.Features.AsSpan()).ToArray());
        File.WriteAllBytes(Path.Combine(folder, "targets.f32"), MemoryMarshal.AsBytes(data.Targets.AsSpan()).ToArray());
        WriteRows(Path.Combine(rowsFolder, "test.i32"), plan.TestSet.RowIndices);
        for (var i = 0; i < memberRows.Count; i++)
        {
            WriteRows(Path.Combine(rowsFolder, $"member-{i:000}-train.i32"), memberRows[i].Train);
            WriteRows(Path.Combine(rowsFolder, $"member-{i:000}-validation.i32"), memberRows[i].Validation);
        }

        var training = spec.Training;
        var stopping = training.EarlyStopping;
        var description = new
        {
            Title = title,
            Campaign = spec.Name,
            Dataset = spec.Dataset.Path,
            data.Rows,
            data.Columns,
            Network = new { spec.Model.Hidden, Activation = spec.Model.Activation.ToString(), spec.Model.LeakyReluSlope, Init = spec.Model.Initialization.ToString() },
            Training = new
            {
                training.Epochs,
                training.BatchSize,
                training.Optimizer.LearningRate,
                training.Optimizer.Beta1,
                training.Optimizer.Beta2,
                training.Optimizer.Epsilon,
                training.Optimizer.WeightDecay,
                EarlyStopping = stopping is null ? null : new { stopping.Patience, stopping.MinDelta, stopping.RestoreBest },
            },
            Members = plan.Trials.Select(t => new { t.Index, t.SplitSeed, t.InitSeed }),
        };
        File.WriteAllText(Path.Combine(folder, "plan.json"), JsonSerializer.Serialize(description, Json));
    }

    /// <summary>
    /// Why a spec cannot be mirrored in PyTorch by bench/trainer_accuracy.py, or null when it can: the script implements
    /// the settings of the comparison (a plain dense network, Adam, binary cross-entropy, early stopping on the
    /// validation loss), and refusing the others is better than comparing different trainings.
    /// </summary>
    public static string? Unsupported(CampaignSpec spec)
    {
        var model = spec.Model;
        var training = spec.Training;
        if (spec.Dataset.Task != Models.TaskKind.Binary) return "the task must be binary (the comparison is on ROC AUC)";
        if (model.Dropout > 0 || model.BatchNorm || model.Residual) return "model.dropout, batch_norm and residual are not mirrored";
        if (training.Optimizer.Kind != OptimizerKind.Adam) return "training.optimizer must be adam";
        if (training.Schedule.Kind != ScheduleKind.Constant || training.Schedule.WarmupEpochs > 0) return "training.schedule must be constant";
        if (training.Loss is not { Kind: LossKind.Auto or LossKind.BinaryCrossEntropy, ClassWeights: null })
            return "training.loss must be binary cross-entropy without class weights";
        if (training.GradientClipNorm is not null || training.FgsmEpsilon is not null) return "gradient_clip and fgsm_epsilon are not mirrored";
        if (training.EarlyStopping is { } stopping && (stopping.Metric != "val_loss" || stopping.Maximize == true))
            return "training.early_stopping must watch val_loss (minimised)";
        return null;
    }

    private static void WriteRows(string path, int[] rows) => File.WriteAllBytes(path, MemoryMarshal.AsBytes(rows.AsSpan()).ToArray());
}
