using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Silo;
using EnsembleFarm.Store;

if (args.Any(a => a is "--help" or "-h" or "-?"))
{
    Console.Out.Write(SiloHost.Help());
    return FarmExitCodes.Ok;
}
if (SiloHost.UnknownFlags(args) is { Count: > 0 } unknown)
{
    foreach (var flag in unknown) Console.Error.WriteLine($"error: unknown option {flag}");
    Console.Error.WriteLine("Run 'farm-silo --help' for usage.");
    return FarmExitCodes.BadInput;
}

// --init-store takes no value: kept out of the settings' command line, where it would take the next argument as its value.
var initStore = args.Contains(SiloHost.InitStoreFlag);
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
builder.Configuration.AddCommandLine([.. args.Where(a => a != SiloHost.InitStoreFlag)], SiloSettings.SwitchMappings);
var (settings, errors) = SiloSettings.Read(builder.Configuration);
if (settings is null)
{
    foreach (var error in errors) Console.Error.WriteLine($"error: {error}");
    return FarmExitCodes.BadInput;
}

IFarmStore store;
try
{
    store = await FarmStoreFactory.OpenAsync(settings.Store);
    if (initStore)
    {
        await using (store) await SiloHost.InitStoreAsync(settings, store, Console.Out);
        return FarmExitCodes.Ok;
    }
}
catch (FarmStoreException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return FarmExitCodes.StoreUnusable;
}

await using (store)
{
    await using var app = await SiloHost.BuildAsync(builder, settings, store);
    try
    {
        await app.RunAsync();
    }
    catch (Exception e) when (SiloHost.IsPortInUse(e))
    {
        Console.Error.WriteLine(
            $"error: a port of this silo is taken (silo {settings.SiloPort}, gateway {settings.GatewayPort}, health {settings.HttpPort}): " +
            "is another silo running here? A farm on a SQLite store has one silo; give this one other ports, or use PostgreSQL for several.");
        return FarmExitCodes.BadInput;
    }
}
return Environment.ExitCode;
