namespace EnsembleFarm.Store;

/// <param name="Owner">The silo that runs the current attempt (or ran the last one).</param>
/// <param name="AttributesJson">What the search's sampler noted with this trial (<see cref="NewTrial.AttributesJson"/>).</param>
/// <param name="Gpus">GPUs a silo gives the trial besides its <paramref name="Slots"/> CPU slots.</param>
/// <param name="PrunedStep">The epoch at which its search's pruner stopped it (its reason is <paramref name="Error"/>); null unless pruned.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record TrialRecord(
    long Id,
    long CampaignId,
    int Index,
    TrialState State,
    int Attempt,
    string ParamsJson,
    ulong SplitSeed,
    ulong InitSeed,
    int Slots,
    string? Owner,
    DateTimeOffset? LeaseExpiresAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error,
    int? PrunedStep = null,
    string? AttributesJson = null,
    int Gpus = 0)
{
    /// <summary>Queued or running: the campaign still waits for it.</summary>
    public bool IsOpen => State is TrialState.Queued or TrialState.Running;
}
