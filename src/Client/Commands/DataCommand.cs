using EnsembleFarm.GrainInterfaces;
using System.CommandLine;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Data.Synthetic;

namespace EnsembleFarm.Client.Commands;

/// <summary><c>farm data generate</c>: writes the simulated data sets the examples train on (docs/data.md).</summary>
internal static class DataCommand
{
    /// <summary>The defaults are the data set examples/ensemble.yaml is sized for.</summary>
    public const int DefaultRows = 66_000;

    public const ulong DefaultSeed = 1;

    /// <summary>The data sets, by the name <c>--kind</c> takes: what a row is, the rows written by default, and the writer.</summary>
    private static readonly IReadOnlyList<DataKind> Kinds =
    [
        new("binary", "events", DefaultRows, (writer, rows, seed) => ColliderSample.Write(writer, rows, seed, TaskKind.Binary)),
        new("multiclass", "events", DefaultRows, (writer, rows, seed) => ColliderSample.Write(writer, rows, seed, TaskKind.Multiclass)),
        new("regression", "events", DefaultRows, (writer, rows, seed) => ColliderSample.Write(writer, rows, seed, TaskKind.Regression)),
        // 914 bins make a row about 5.6 kB of text: the default keeps the file near 22 MB.
        new("agn-spectra", "spectra", 4_000, AgnSpectra.Write),
    ];

    public static Command Create(FarmCli cli)
    {
        var kind = new Option<DataKind>("--kind")
        {
            Description = "binary: Higgs to two photons vs background; multiclass: the same events by process; regression: a photon's true pT; "
                + $"agn-spectra: {AgnSpectra.Bins}-bin optical spectra of galaxy nuclei in {AgnSpectra.ClassCount} classes",
            DefaultValueFactory = _ => Kinds[0],
            CustomParser = result => ParseKind(result.Tokens[0].Value, result),
        };
        var rows = new Option<int?>("--rows") { Description = $"Rows to write (default: {DefaultRows} events, or {Kinds[^1].DefaultRows} spectra)" };
        rows.Validators.Add(r => { if (r.GetValueOrDefault<int?>() < 1) r.AddError("--rows must be at least 1"); });
        var seed = new Option<ulong>("--seed") { Description = "The random seed: the same seed and rows give the same bytes", DefaultValueFactory = _ => DefaultSeed };
        var output = new Option<string>("--out") { Description = "The CSV file to write (its folder is created)", Required = true };

        var generate = new Command("generate", "Write a simulated data set (deterministic for a seed)") { kind, rows, seed, output };
        generate.SetAction((parse, ct) => cli.RunAsync(async token =>
        {
            var path = Path.GetFullPath(parse.GetRequiredValue(output));
            var chosen = parse.GetRequiredValue(kind);
            var count = parse.GetValue(rows) ?? chosen.DefaultRows;
            // Written beside it and renamed over it: silos may be reading a data set of that name (a deployment's data step
            // writes it again each run), and a half-written file would fail their campaign's hash check.
            var partial = $"{path}.{Guid.NewGuid():N}.partial";
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await using (var writer = new StreamWriter(partial))
                    chosen.Write(writer, count, parse.GetValue(seed));
                File.Move(partial, path, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                File.Delete(partial);
                throw new FarmCliException(FarmExitCodes.BadInput, $"error: cannot write --out {path}: {e.Message}", e);
            }
            await cli.Environment.Error.WriteLineAsync($"wrote {count} {chosen.Name} {chosen.Rows} to {path}");
            return FarmExitCodes.Ok;
        }, ct));
        return new Command("data", "Data sets: generate the example collider sample or AGN spectra") { generate };
    }

    private static DataKind ParseKind(string text, System.CommandLine.Parsing.ArgumentResult result)
    {
        if (Kinds.FirstOrDefault(k => k.Name.Equals(text, StringComparison.OrdinalIgnoreCase)) is { } known) return known;
        result.AddError($"--kind must be one of: {string.Join(", ", Kinds.Select(k => k.Name))}; got '{text}'");
        return Kinds[0];
    }

    /// <param name="Rows">What a row is, for the closing line ("events", "spectra").</param>
    private sealed record DataKind(string Name, string Rows, int DefaultRows, Action<TextWriter, int, ulong> Write);
}
