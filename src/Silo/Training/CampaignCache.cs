using System.Collections.Concurrent;
using EnsembleFarm.Domain.Search;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Grains.Training;
using EnsembleFarm.Store;

namespace EnsembleFarm.Silo.Training;

/// <summary>
/// The campaigns this silo trains for, each read once (spec and test part) rather than once per member: every trainer
/// of the silo asks here. Thread-safe.
/// </summary>
public sealed class CampaignCache(IFarmStore store)
{
    private readonly ConcurrentDictionary<long, Lazy<Task<TrainingCampaign>>> _campaigns = new();

    /// <exception cref="CampaignUnrunnableException">The stored spec cannot be read by this silo.</exception>
    public Task<TrainingCampaign> GetAsync(CampaignRecord campaign)
    {
        var entry = _campaigns.GetOrAdd(campaign.Id, _ => new Lazy<Task<TrainingCampaign>>(() => LoadAsync(campaign)));
        if (entry.Value.IsFaulted) _campaigns.TryRemove(new(campaign.Id, entry));
        // A campaign lives for hours at most; the few dozen kept here cost a spec and a test index each.
        if (_campaigns.Count > 64) _campaigns.Clear();
        return entry.Value;
    }

    private async Task<TrainingCampaign> LoadAsync(CampaignRecord campaign) =>
        new(ReadSpec(campaign), await store.GetTestSetAsync(campaign.Id, CancellationToken.None));

    private static CampaignSpec ReadSpec(CampaignRecord campaign)
    {
        try
        {
            return StoredSpec.Read(campaign);
        }
        catch (SpecException e)
        {
            throw new CampaignUnrunnableException($"the spec of campaign {campaign.Id} cannot be read by this silo: {e.Message}", e);
        }
    }

    /// <summary>
    /// What a trial trains: a search's trial, or an ensemble member of a search's configuration, the campaign's spec with
    /// its parameters; any other member the spec itself. Parameters that do not fit would not fit on any silo.
    /// </summary>
    /// <exception cref="TrialNotRetryableException">The trial's parameters do not fit the spec.</exception>
    public static CampaignSpec SpecOf(CampaignSpec campaignSpec, TrialRecord trial)
    {
        try
        {
            return campaignSpec.ForTrial(SearchParameters.FromJson(trial.ParamsJson));
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new TrialNotRetryableException($"trial {trial.Index}'s parameters {trial.ParamsJson} do not fit campaign '{campaignSpec.Name}': {e.Message}");
        }
    }
}

/// <summary>What a trainer needs of a campaign: its spec and the test part every member is scored on.</summary>
public sealed record TrainingCampaign(CampaignSpec Spec, CampaignTestSet TestSet);
