using System.CommandLine;
using EnsembleFarm.AppHost;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;

var spec = new Option<string>("--spec")
{
    Description = "The campaign spec to run",
    DefaultValueFactory = _ => Path.Combine("examples", "ensemble.yaml"),
};
var cluster = new Option<int>("--cluster")
{
    Description = "Start a cluster of N silos on a local PostgreSQL (Debian's binaries) instead of the one-silo farm on SQLite",
    DefaultValueFactory = _ => 0,
};
var slots = new Option<int?>("--slots") { Description = "Slots (cores) of each silo (default: the machine's cores, shared by the silos)" };
var keepRunning = new Option<bool>("--keep-running") { Description = "Keep the farm (and the dashboard) running after the campaign, until Ctrl+C" };
var store = new Option<string?>("--store") { Description = "The local farm's store file (default: $ENSEMBLEFARM_STORE, else ./.farm/farm.db)" };
cluster.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) r.AddError("--cluster must be 0 (no cluster) or a number of silos"); });
slots.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1) r.AddError("--slots must be at least 1"); });

var root = new RootCommand("The EnsembleFarm AppHost: starts a farm with the Aspire dashboard, runs a campaign, prints its results")
{
    spec, cluster, slots, keepRunning, store,
};
root.SetAction((parse, ct) =>
{
    var options = new FarmAppOptions(
        Path.GetFullPath(parse.GetValue(spec)!),
        parse.GetValue(cluster),
        parse.GetValue(slots),
        parse.GetValue(keepRunning),
        FarmStoreFactory.ResolveSqlitePath(parse.GetValue(store)));
    return FarmApp.RunAsync(options);
});

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"error: {error.Message}");
    return FarmExitCodes.BadInput;
}
// The run handles SIGINT/SIGTERM itself (stops the farm, then exits): no forced exit after a timeout.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
