using Orleans.Concurrency;
namespace EnsembleFarm.GrainInterfaces;

/// <summary>
/// A silo's trial runner, reachable from anywhere in the cluster: it lives on the silo its key names (its
/// <see cref="SiloReport.SiloId"/>) and nowhere else, so a call to a silo that is gone fails instead of activating
/// it elsewhere.
/// </summary>
public interface ISiloGrain : IGrainWithStringKey
{
    /// <summary>There is queued work: a silo with free slots asks the dispatcher for it.</summary>
    [OneWay]
    Task WorkAvailableAsync();

    /// <summary>Stops these trials (their campaign was cancelled or failed); nothing of them is written any more.</summary>
    [OneWay]
    Task StopTrialsAsync(IReadOnlyList<long> trialIds);

    Task<SiloReport> GetReportAsync();
}
