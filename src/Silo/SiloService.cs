using EnsembleFarm.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EnsembleFarm.Silo;

/// <summary>
/// Runs the <see cref="SiloRunner"/> in the host: the host's stop (SIGTERM, Ctrl+C) makes the silo drain, and
/// the silo ending (idle exit, or a failure) stops the host.
/// </summary>
internal sealed partial class SiloService(SiloRunner runner, SiloOptions options, IHostApplicationLifetime lifetime, ILogger<SiloService> logger)
    : BackgroundService
{
    /// <summary>The line a parent process waits for before it counts on the silo: it is registered and claiming.</summary>
    public static string ReadyLine(string siloId) => $"silo {siloId} ready";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await runner.RunAsync(stoppingToken, () => Console.Out.WriteLine(ReadyLine(options.Id)));
        }
        catch (FarmStoreException)
        {
            // The runner has logged the store's message; a stack trace would add nothing the operator can act on.
            Environment.ExitCode = SiloExitCodes.StoreUnusable;
        }
        catch (Exception e)
        {
            LogCrashed(e, e.Message);
            Environment.ExitCode = SiloExitCodes.Failed;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "silo stopped by an error: {Error}")]
    private partial void LogCrashed(Exception exception, string error);
}

/// <summary>The process exit codes of <c>farm-silo</c>.</summary>
public static class SiloExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadArguments = SiloCommandLine.BadArguments;

    /// <summary>
    /// The store cannot be opened or is not a farm store, at start or later (its file deleted or damaged while the
    /// silo ran); the client uses the same code.
    /// </summary>
    public const int StoreUnusable = 4;
}
