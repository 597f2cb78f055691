using System.CommandLine;
using EnsembleFarm.AppHost;

var spec = new Option<string>("--spec")
{
    Description = "The campaign spec to run",
    DefaultValueFactory = _ => Path.Combine("examples", "ensemble.yaml"),
};
var store = new Option<string?>("--store") { Description = "The store file (default: $ENSEMBLEFARM_STORE, else ./.farm/farm.db)" };
var silos = new Option<int?>("--silos") { Description = "Silo processes to start (default: 2, or 1 on a single slot)" };
var slots = new Option<int?>("--slots") { Description = "Slots (cores) of each silo (default: the machine's cores, shared by the silos in whole trials)" };
foreach (var count in new[] { silos, slots })
    count.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1) r.AddError($"{r.Option.Name} must be at least 1"); });

var root = new RootCommand("The local farm: silos on this machine train a campaign; prints its results") { spec, store, silos, slots };
root.SetAction(parse => new LocalFarmRun(new LocalFarmRun.Settings(
    parse.GetValue(spec)!, parse.GetValue(store), parse.GetValue(silos), parse.GetValue(slots))).RunAsync());

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"error: {error.Message}");
    return 2;
}
// The run handles SIGINT/SIGTERM itself (stops its children, then exits): no forced exit after a timeout.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
