using EnsembleFarm.TestKit;

namespace EnsembleFarm.Client.Tests;

/// <summary>One in-process farm (a silo with two slots) shared by a test class; each test submits its own campaigns.</summary>
public sealed class FarmFixture : IAsyncLifetime
{
    private InProcessFarm? _farm;

    internal InProcessFarm Farm => _farm ?? throw new InvalidOperationException("the farm has not started");

    public async ValueTask InitializeAsync() => _farm = await InProcessFarm.StartAsync(silos: 1, slotsPerSilo: 2);

    public async ValueTask DisposeAsync()
    {
        if (_farm is not null) await _farm.DisposeAsync();
    }
}
