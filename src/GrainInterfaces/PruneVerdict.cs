namespace EnsembleFarm.GrainInterfaces;

/// <summary>A search's pruner stopped a trial: at which epoch, and why, in words ("val_loss 0.52 at epoch 8 is worse than …").</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record PruneVerdict(int Step, string Reason);
