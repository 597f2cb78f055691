using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;

namespace EnsembleFarm.Client.Connection;

/// <summary>
/// What the <c>farm</c> commands ask of a farm: a running cluster (<see cref="ClusterConnection"/>), or, when none
/// answers, its store read directly (<see cref="StoreConnection"/>), which answers the reads the same way and refuses
/// what needs a farm.
/// </summary>
public interface IFarmConnection : IAsyncDisposable
{
    /// <summary>What this connection reaches, for messages ("the farm at 127.0.0.1:21112").</summary>
    string Description { get; }

    Task<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken ct);

    Task<IReadOnlyList<CampaignListing>> ListAsync(CancellationToken ct);

    /// <returns>Null when no campaign has that id.</returns>
    Task<CampaignStatus?> StatusAsync(long campaignId, CancellationToken ct);

    /// <returns>Null when no campaign has that id.</returns>
    Task<CampaignResultsData?> ResultsDataAsync(long campaignId, CancellationToken ct);

    /// <param name="members">Member indices; null for every completed member.</param>
    /// <returns>Null when no campaign has that id.</returns>
    Task<CampaignModels?> ModelsAsync(long campaignId, IReadOnlyList<int>? members, CancellationToken ct);

    /// <returns>Null when no campaign has that id.</returns>
    Task<CampaignCurves?> CurvesAsync(long campaignId, CancellationToken ct);

    /// <summary>Deletes an ended campaign and everything of it; through the farm when one runs, so that none of its grains keeps it.</summary>
    Task<CampaignDeletion> DeleteAsync(long campaignId, CancellationToken ct);

    /// <summary>False when the campaign had already ended.</summary>
    /// <exception cref="FarmCliException">No campaign has that id (exit 3), or no farm runs (exit 5).</exception>
    Task<bool> CancelAsync(long campaignId, CancellationToken ct);

    Task<IReadOnlyList<SiloReport>> SilosAsync(CancellationToken ct);

    /// <summary>
    /// The campaign as it is, then each change as the farm pushes it, ending with the update that shows it ended.
    /// </summary>
    /// <param name="onNote">Told of what the user should know meanwhile (the farm is unreachable and being retried).</param>
    /// <exception cref="FarmCliException">No campaign has that id (exit 3), or no farm can move it (exit 5).</exception>
    IAsyncEnumerable<CampaignUpdate> WatchAsync(long campaignId, Action<string> onNote, CancellationToken ct);
}
