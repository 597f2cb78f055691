using EnsembleFarm.Domain.Search;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Store;

namespace EnsembleFarm.Domain.Planning;

/// <summary>Looks up the configurations an ensemble's <c>ensemble.from_search</c> names, for <see cref="CampaignSubmission.Prepare"/>.</summary>
public static class SearchConfigurations
{
    private const string Field = "ensemble.from_search.campaign";

    /// <summary>
    /// The best distinct configurations of the search the spec names, best first, at most its <c>top</c>; null when the
    /// spec names no search. A search still running gives its best so far (the submission warns of it).
    /// </summary>
    /// <exception cref="SpecException">The spec is wrong, or names a campaign that is missing or no search.</exception>
    public static async Task<(IReadOnlyList<IReadOnlyDictionary<string, ParamValue>>? Configurations, string? Warning)> ForAsync(
        IFarmStore store, string specYaml, string specDirectory, string? sourceName, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var spec = SpecParser.Parse(specYaml, specDirectory, sourceName);
        if (spec.Ensemble?.FromSearch is not { } from) return (null, null);
        StoredSearch? search;
        try
        {
            search = await StoredSearch.LoadAsync(store, from.CampaignId, ct).ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            throw Refused(from, "is an ensemble, not a search; from_search takes a search or nas campaign", sourceName);
        }
        catch (SpecException e)
        {
            throw Refused(from, $"has a spec this farm cannot read ({e.Message})", sourceName);
        }
        if (search is null) throw Refused(from, "does not exist (farm list shows the campaigns)", sourceName);

        var configurations = search.BestConfigurations(from.Top);
        var warning = search.Campaign.HasEnded
            ? null
            : $"{Field}: search {from.CampaignId} is still {search.Campaign.State.ToString().ToLowerInvariant()}; "
              + $"the ensemble trains its best {configurations.Count} configuration(s) so far";
        return (configurations, warning);
    }

    private static SpecException Refused(FromSearchSpec from, string why, string? sourceName) =>
        new([new SpecError(Field, $"campaign {from.CampaignId} {why}")], sourceName);
}
