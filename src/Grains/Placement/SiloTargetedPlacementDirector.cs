using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace EnsembleFarm.Grains.Placement;

/// <summary>
/// Activates a silo-targeted grain on the silo named by its key. A silo that is not (or no longer) in the cluster
/// cannot host it: the call fails with <see cref="SiloUnavailableException"/> rather than reaching a stand-in on
/// another silo, which would run nothing of the missing silo's.
/// </summary>
internal sealed class SiloTargetedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString();
        SiloAddress wanted;
        try
        {
            wanted = SiloAddress.FromParsableString(key);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException)
        {
            throw new SiloUnavailableException($"'{key}' does not name a silo");
        }
        if (!context.GetCompatibleSilos(target).Contains(wanted))
            throw new SiloUnavailableException($"silo {key} is not in the cluster");
        return Task.FromResult(wanted);
    }
}
