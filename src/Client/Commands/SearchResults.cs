using EnsembleFarm.Client.Connection;
using EnsembleFarm.Domain.Search;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.GrainInterfaces;

namespace EnsembleFarm.Client.Commands;

/// <summary>A search campaign's results as <c>results</c>, <c>status</c> and <c>report</c> show them: its trials as the sampler sees them, and the report computed from them.</summary>
internal sealed record SearchResults(StoredSearch Search, SearchReport Report)
{
    /// <exception cref="FarmCliException">No campaign has that id (exit 3), or this build cannot read its stored spec (exit 2).</exception>
    public static async Task<SearchResults> LoadAsync(IFarmConnection farm, long campaignId, CancellationToken ct)
    {
        var search = await LoadSearchAsync(farm, campaignId, ct);
        // The importance surrogate is a Gaussian process fit: CPU work, off the caller's thread.
        return new SearchResults(search, await Task.Run(() => SearchReport.Of(search), ct));
    }

    /// <summary>The trials alone, without the report's analysis.</summary>
    /// <inheritdoc cref="LoadAsync" path="/exception"/>
    public static async Task<StoredSearch> LoadSearchAsync(IFarmConnection farm, long campaignId, CancellationToken ct)
    {
        var curves = await farm.CurvesAsync(campaignId, ct) ?? throw FarmCli.NotFound(campaignId);
        try
        {
            return StoredSearch.From(curves);
        }
        catch (SpecException e)
        {
            throw new FarmCliException(FarmExitCodes.BadInput, $"error: campaign {campaignId}'s stored spec cannot be read by this version of farm: {e.Message}", e);
        }
    }
}
