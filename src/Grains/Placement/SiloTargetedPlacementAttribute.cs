using Orleans.Placement;

namespace EnsembleFarm.Grains.Placement;

/// <summary>Marks a grain whose key is a silo address: its activation lives on that silo (<see cref="SiloTargetedPlacementDirector"/>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloTargetedPlacementAttribute() : PlacementAttribute(SiloTargetedPlacement.Instance);
