using Microsoft.Extensions.Hosting;

namespace EnsembleFarm.AppHost;

/// <summary>
/// A host lifetime that leaves SIGINT and SIGTERM alone, in place of the console lifetime that would stop the host on
/// them: <see cref="FarmApp"/> handles them, stopping the silos gracefully before the host.
/// </summary>
internal sealed class SignalsHandledByTheApp : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
