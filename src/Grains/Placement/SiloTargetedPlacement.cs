using Orleans.Runtime;

namespace EnsembleFarm.Grains.Placement;

/// <summary>Places a grain on the silo its string key names (a <c>SiloAddress.ToParsableString()</c>), and nowhere else.</summary>
[GenerateSerializer, Immutable]
public sealed class SiloTargetedPlacement : PlacementStrategy
{
    public static readonly SiloTargetedPlacement Instance = new();
}
