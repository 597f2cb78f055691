using EnsembleFarm.Grains.Running;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EnsembleFarm.Silo;

/// <summary>Ready: the silo is in the cluster and takes trials (not starting, draining, or cut off from its store).</summary>
internal sealed class SiloReadyCheck(TrialRunner runner) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(runner.State switch
        {
            RunnerState.Running => HealthCheckResult.Healthy("taking trials"),
            var state => HealthCheckResult.Unhealthy(state.ToString().ToLowerInvariant()),
        });
}
