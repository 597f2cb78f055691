using EnsembleFarm.GrainInterfaces;
using System.CommandLine;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Data.Synthetic;

namespace EnsembleFarm.Client.Commands;

/// <summary><c>farm data generate</c>: writes the simulated collider data set the examples train on (docs/data.md).</summary>
internal static class DataCommand
{
    /// <summary>The defaults are the data set examples/ensemble.yaml is sized for.</summary>
    public const int DefaultRows = 66_000;

    public const ulong DefaultSeed = 1;

    public static Command Create(FarmCli cli)
    {
        var kind = new Option<TaskKind>("--kind")
        {
            Description = "binary: Higgs to two photons vs background; multiclass: the same events by process; regression: a photon's true pT",
            DefaultValueFactory = _ => TaskKind.Binary,
            CustomParser = result => ParseKind(result.Tokens[0].Value, result),
        };
        var rows = new Option<int>("--rows") { Description = "Events to write", DefaultValueFactory = _ => DefaultRows };
        rows.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--rows must be at least 1"); });
        var seed = new Option<ulong>("--seed") { Description = "The random seed: the same seed and rows give the same bytes", DefaultValueFactory = _ => DefaultSeed };
        var output = new Option<string>("--out") { Description = "The CSV file to write (its folder is created)", Required = true };

        var generate = new Command("generate", "Write the simulated collider data set (deterministic for a seed)") { kind, rows, seed, output };
        generate.SetAction((parse, ct) => cli.RunAsync(async token =>
        {
            var path = Path.GetFullPath(parse.GetRequiredValue(output));
            // Written beside it and renamed over it: silos may be reading a data set of that name (a deployment's data step
            // writes it again each run), and a half-written file would fail their campaign's hash check.
            var partial = $"{path}.{Guid.NewGuid():N}.partial";
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await using (var writer = new StreamWriter(partial))
                    ColliderSample.Write(writer, parse.GetValue(rows), parse.GetValue(seed), parse.GetValue(kind));
                File.Move(partial, path, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                File.Delete(partial);
                throw new FarmCliException(FarmExitCodes.BadInput, $"error: cannot write --out {path}: {e.Message}", e);
            }
            await cli.Environment.Error.WriteLineAsync($"wrote {parse.GetValue(rows)} {Name(parse.GetValue(kind))} events to {path}");
            return FarmExitCodes.Ok;
        }, ct));
        return new Command("data", "Data sets: generate the example collider sample") { generate };
    }

    private static TaskKind ParseKind(string text, System.CommandLine.Parsing.ArgumentResult result)
    {
        foreach (var kind in Enum.GetValues<TaskKind>())
            if (Name(kind).Equals(text, StringComparison.OrdinalIgnoreCase)) return kind;
        result.AddError($"--kind must be one of: {string.Join(", ", Enum.GetValues<TaskKind>().Select(Name))}; got '{text}'");
        return TaskKind.Binary;
    }

    private static string Name(TaskKind kind) => kind.ToString().ToLowerInvariant();
}
