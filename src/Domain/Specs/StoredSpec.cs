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
}
