namespace EnsembleFarm.Store;

/// <summary>Counts of a campaign's trials by state.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record CampaignProgress(int Queued, int Running, int Completed, int Pruned, int Failed, int Cancelled)
{
    public int Total => Queued + Running + Completed + Pruned + Failed + Cancelled;

    public int Finished => Completed + Pruned + Failed + Cancelled;

    /// <summary>The counts of these trials.</summary>
    public static CampaignProgress Of(IEnumerable<TrialRecord> trials)
    {
        var counts = new int[Enum.GetValues<TrialState>().Length];
        foreach (var trial in trials) counts[(int)trial.State]++;
        return new CampaignProgress(
            counts[(int)TrialState.Queued], counts[(int)TrialState.Running], counts[(int)TrialState.Completed],
            counts[(int)TrialState.Pruned], counts[(int)TrialState.Failed], counts[(int)TrialState.Cancelled]);
    }
}
