namespace EnsembleFarm.Models.Training;

/// <summary>What <see cref="Trainer.Fit"/> returns: the model to predict with, and how training went.</summary>
public sealed record TrainingRun(TrainedModel Model, TrainingResult Result);
