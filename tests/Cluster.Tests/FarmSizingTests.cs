using EnsembleFarm.AppHost;

namespace EnsembleFarm.Cluster.Tests;

public sealed class FarmSizingTests
{
    [Theory]
    [InlineData(2, 1, new[] { 1, 1 })]
    [InlineData(1, 1, new[] { 1 })]
    [InlineData(16, 1, new[] { 8, 8 })]
    [InlineData(16, 2, new[] { 8, 8 })]
    [InlineData(6, 2, new[] { 4, 2 })]
    [InlineData(2, 2, new[] { 2 })]
    [InlineData(2, 4, new[] { 4 })]
    public void The_machines_cores_hold_whole_trials_spread_over_at_most_two_silos(int cores, int slotsPerTrial, int[] expected)
    {
        Assert.Equal(expected, FarmSizing.SlotsPerSilo(cores, slotsPerTrial));
    }
}
