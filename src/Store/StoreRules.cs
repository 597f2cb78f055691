namespace EnsembleFarm.Store;

/// <summary>
/// The decisions and messages that every store makes alike, whatever its SQL: which queued trials a claim takes,
/// and the reasons written when a campaign or an attempt ends without the trial's own say.
/// </summary>
internal static class StoreRules
{
    /// <summary>
    /// Lowest index first; a trial that needs more slots than remain is passed over for a later one that fits, so
    /// free slots are not left idle behind a large trial.
    /// </summary>
    /// <param name="queued">The campaign's queued trials (id, slots), lowest index first.</param>
    public static List<long> FitToSlots(IEnumerable<(long Id, int Slots)> queued, int freeSlots)
    {
        var chosen = new List<long>();
        var remaining = freeSlots;
        foreach (var (id, slots) in queued)
        {
            if (remaining == 0) break;
            if (slots > remaining) continue;
            chosen.Add(id);
            remaining -= slots;
        }
        return chosen;
    }

    public static ArgumentException IndexTaken(long campaignId, int index) =>
        new($"Campaign {campaignId} has a trial with index {index} already.", "trials");

    public static KeyNotFoundException CampaignNotFound(long campaignId) => new($"Campaign {campaignId} does not exist.");

    /// <summary>The error a cancelled trial of a failed campaign carries.</summary>
    public static string CampaignFailed(string reason) => $"campaign failed: {reason}";

    /// <summary>A campaign none of whose trials succeeded fails with the first failure's reason.</summary>
    public static string AllTrialsFailed(int total, string? firstError) => $"all {total} trials failed: {firstError}";

    public static string LeaseExpired(string siloId) => $"lease expired: silo '{siloId}' stopped renewing it (presumed dead)";
}
