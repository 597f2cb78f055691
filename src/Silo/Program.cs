using EnsembleFarm.Store;
using EnsembleFarm.Silo;
using EnsembleFarm.Silo.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var (options, exitCode) = SiloCommandLine.Parse(args, Console.Out, Console.Error);
if (options is null) return exitCode;

IFarmStore store;
try
{
    store = await FarmStoreFactory.OpenAsync(options.Store);
}
catch (FarmStoreException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return SiloExitCodes.StoreUnusable;
}

await using (store)
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
    builder.Logging
        .AddFilter("Microsoft", LogLevel.Warning)
        .AddConsole(console => console.FormatterName = SiloLogFormatter.FormatterName)
        .AddConsoleFormatter<SiloLogFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>();
    // The host must wait for the drain (and the store writes after it) before it gives up on the silo.
    builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.DrainTimeout + TimeSpan.FromSeconds(30));
    builder.Services
        .AddSingleton(options)
        .AddSingleton(store)
        .AddSingleton<DatasetCache>(_ => new DatasetCache())
        .AddSingleton<ITrialTrainer, BuiltInTrainer>()
        .AddSingleton<SiloRunner>(services => new SiloRunner(
            store, services.GetRequiredService<ITrialTrainer>(), options, services.GetRequiredService<ILogger<SiloRunner>>()))
        .AddHostedService<SiloService>();

    using var host = builder.Build();
    await host.RunAsync();
}
return Environment.ExitCode;
