namespace EnsembleFarm.Store;

/// <param name="Task">binary, multiclass or regression.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record CampaignRecord(
    long Id,
    string Name,
    string Kind,
    string Task,
    string SpecYaml,
    string DatasetPath,
    string DatasetSha256,
    CampaignState State,
    int MaxAttempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error)
{
    /// <summary>Completed, failed or cancelled: nothing of it runs any more.</summary>
    public bool HasEnded => State is not (CampaignState.Queued or CampaignState.Running);
}
