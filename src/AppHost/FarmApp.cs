using System.Runtime.InteropServices;
using Aspire.Hosting;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.GrainInterfaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EnsembleFarm.AppHost;

/// <summary>
/// The README's main command: builds the farm's resources, starts them with the dashboard, prints what the campaign
/// runner prints (and what goes wrong with a silo), restarts a silo that dies, and exits with the runner's exit code
/// once the campaign has ended, unless asked to keep the farm running. Ctrl+C (or SIGTERM) stops everything cleanly:
/// the silos give their running trials back, and the next run carries on with the same campaign.
/// </summary>
internal static class FarmApp
{
    /// <summary>How long the silos may take to give their trials back when the farm stops.</summary>
    private static readonly TimeSpan StopPatience = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(FarmAppOptions options)
    {
        if (!File.Exists(options.SpecPath))
            return Fail(FarmExitCodes.BadInput, $"no spec at {options.SpecPath}; run from the repository's root, or pass --spec FILE");
        string datasetPath, task;
        try
        {
            var spec = SpecParser.ParseFile(options.SpecPath);
            (datasetPath, task) = (spec.Dataset.Path, TaskNames.Of(spec.Dataset.Task));
        }
        catch (SpecException e)
        {
            return Fail(FarmExitCodes.BadInput, e.Message);
        }

        var builder = DistributedApplication.CreateBuilder([]);
        // Aspire's own chatter would bury the farm's output; its dashboard address and warnings stay.
        builder.Services.AddLogging(logging => logging
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("Aspire", LogLevel.Warning)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Error)
            .AddFilter("Aspire.Hosting.DistributedApplication", LogLevel.Information));
        // Ctrl+C and SIGTERM are this class's to handle: the host's console lifetime would start tearing the farm down
        // at the same moment, before the silos have given their trials back.
        builder.Services.AddSingleton<IHostLifetime, SignalsHandledByTheApp>();
        IReadOnlyList<string> silos;
        try
        {
            Directory.CreateDirectory(options.FarmFolder);
            silos = FarmModel.Add(builder, options, datasetPath, task);
        }
        catch (FarmAppException e)
        {
            return Fail(FarmExitCodes.StoreUnusable, e.Message);
        }

        await using var app = builder.Build();
        using var interrupted = new CancellationTokenSource();
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        var monitor = new FarmMonitor(app.Services, silos, Console.Out);
        monitor.Say(options.IsCluster
            ? $"a cluster of {options.Silos} silos with {options.Slots} slots each on PostgreSQL (127.0.0.1:{LocalPostgres.Port}, data in {Path.Combine(options.FarmFolder, "postgres")})"
            : $"a farm of one silo with {options.Slots} slots; store {options.StorePath}");
        try
        {
            await app.StartAsync(interrupted.Token);
            var exitCode = await monitor.RunAsync(options.KeepRunning, interrupted.Token);
            // Ctrl+C reaches the campaign runner too (a terminal signals the whole process group): its exit may be
            // seen before the cancellation, and must not pass for the campaign's end.
            interrupted.Token.ThrowIfCancellationRequested();
            monitor.Say("stopping the farm");
            await monitor.StopFarmAsync(StopPatience);
            await app.StopAsync(CancellationToken.None);
            return exitCode;
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            monitor.Say("stopping the farm: the silos give their running trials back; run the same command again to carry on");
            await monitor.StopFarmAsync(StopPatience);
            await app.StopAsync(CancellationToken.None);
            return FarmExitCodes.Interrupted;
        }

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true; // we end ourselves, once the farm has stopped
            interrupted.Cancel();
        }
    }

    private static int Fail(int exitCode, string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return exitCode;
    }
}
