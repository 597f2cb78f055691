namespace EnsembleFarm.GrainInterfaces;

/// <summary>A campaign's work as it tells the dispatcher.</summary>
/// <param name="QueuedTrials">Trials waiting for a silo (0: remove the campaign from the queue).</param>
/// <param name="SlotsPerTrial">What its next queued trial needs.</param>
/// <param name="Command">The trainer command alias its trials need a silo to allow; null for the built-in trainer.</param>
/// <param name="GpusPerTrial">The GPUs its next queued trial needs besides its slots.</param>
/// <param name="RunningSlots">Slots its running trials hold: fairness gives the next slot to the campaign holding fewest.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record CampaignDemand(long CampaignId, int QueuedTrials, int SlotsPerTrial, int RunningSlots, DateTimeOffset CreatedAt, string? Command = null,
    int GpusPerTrial = 0);
