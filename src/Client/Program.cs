using EnsembleFarm.Client;
using EnsembleFarm.Store;

return await new FarmCli(CliEnvironment.FromConsole(), (location, ct) => FarmStoreFactory.OpenAsync(location, ct: ct)).InvokeAsync(args);
