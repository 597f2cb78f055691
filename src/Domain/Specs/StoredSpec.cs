using EnsembleFarm.Store;

namespace EnsembleFarm.Domain.Specs;

/// <summary>The spec of a stored campaign, as every part of the farm reads it after submission.</summary>
public static class StoredSpec
{
    /// <summary>
    /// The campaign's spec as submitted, with the dataset path the submission resolved and pinned (the spec's own may be
    /// relative to a folder this process never saw).
    /// </summary>
    /// <exception cref="SpecException">This build of the farm cannot read the stored text (it was written by another version).</exception>
    public static CampaignSpec Read(CampaignRecord campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var spec = SpecParser.Parse(campaign.SpecYaml, Path.GetDirectoryName(campaign.DatasetPath) ?? Environment.CurrentDirectory);
        return spec with { Dataset = spec.Dataset with { Path = campaign.DatasetPath } };
    }

    /// <summary>Whether the campaign is a search or nas campaign, judged from the kind stored with it (no spec parsing).</summary>
    public static bool IsSearch(CampaignRecord campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return campaign.Kind != SpecVocabulary.Name(CampaignKind.Ensemble);
    }

    /// <summary>
    /// How many trials the campaign will have when it ends: a running search's budget (it creates its trials as it goes),
    /// else the trials it has. A spec this build cannot read counts its trials only.
    /// </summary>
    public static int PlannedTrials(CampaignRecord campaign, CampaignProgress progress)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(progress);
        if (!IsSearch(campaign) || campaign.HasEnded) return progress.Total;
        try
        {
            return Math.Max(Read(campaign).Search?.Budget.Trials ?? 0, progress.Total);
        }
        catch (SpecException)
        {
            return progress.Total;
        }
    }
}
