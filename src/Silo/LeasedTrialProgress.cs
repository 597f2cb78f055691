using EnsembleFarm.Grains.Store;
using EnsembleFarm.Silo.Training;

namespace EnsembleFarm.Silo;

/// <summary>Stores a trial's epochs under its lease; the first refused write stops the trial's training.</summary>
internal sealed class LeasedTrialProgress(IFarmStore store, TrialLease lease, Action onLeaseLost) : ITrialProgress
{
    public async Task<bool> ReportEpochAsync(int epoch, IReadOnlyDictionary<string, double> metrics, CancellationToken ct)
    {
        if (await store.ReportEpochAsync(lease, epoch, metrics, ct).ConfigureAwait(false)) return true;
        onLeaseLost();
        return false;
    }
}
