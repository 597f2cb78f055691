using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Grains.Placement;
using EnsembleFarm.Grains.Running;

namespace EnsembleFarm.Grains;

/// <summary>The cluster's handle on one silo's <see cref="TrialRunner"/>; it always lives on that silo.</summary>
[SiloTargetedPlacement]
internal sealed class SiloGrain(TrialRunner runner) : Grain, ISiloGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (this.GetPrimaryKeyString() != runner.SiloId)
            throw new InvalidOperationException($"the silo grain for {this.GetPrimaryKeyString()} was placed on {runner.SiloId}");
        return Task.CompletedTask;
    }

    public Task WorkAvailableAsync()
    {
        runner.Wake();
        return Task.CompletedTask;
    }

    public Task StopTrialsAsync(IReadOnlyList<long> trialIds)
    {
        runner.Stop(trialIds);
        return Task.CompletedTask;
    }

    public Task<SiloReport> GetReportAsync() => Task.FromResult(runner.Report());
}
