using EnsembleFarm.Grains.Placement;
using EnsembleFarm.Grains.Running;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace EnsembleFarm.Grains;

public static class FarmSiloBuilderExtensions
{
    /// <summary>
    /// The farm on this silo: its grains' placement, the trial runner and the membership watcher, and the membership
    /// settings the farm relies on (docs/cluster.md). The host provides an <c>IFarmStore</c> and an <c>ITrialTrainer</c>.
    /// </summary>
    public static ISiloBuilder AddEnsembleFarm(this ISiloBuilder silo, Action<TrialRunnerOptions>? configureRunner = null)
    {
        silo.AddPlacementDirector<SiloTargetedPlacement, SiloTargetedPlacementDirector>();
        silo.Configure<ClusterMembershipOptions>(FarmMembership.Configure);
        // A call to a silo that died is answered when the cluster declares it dead (seconds), not after the default 30 s.
        silo.Configure<SiloMessagingOptions>(messaging => messaging.ResponseTimeout = FarmMembership.ResponseTimeout);
        var services = silo.Services;
        services.AddMetrics();
        services.AddOptions<TrialRunnerOptions>().Configure(options => configureRunner?.Invoke(options));
        services.AddSingleton<FarmMetrics>();
        services.AddSingleton<TrialRunner>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(provider => provider.GetRequiredService<TrialRunner>());
        services.AddSingleton<MembershipWatcher>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(provider => provider.GetRequiredService<MembershipWatcher>());
        return silo;
    }
}
