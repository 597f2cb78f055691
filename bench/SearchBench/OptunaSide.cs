using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using EnsembleFarm.Domain.Search;
using EnsembleFarm.SearchProblems;

namespace EnsembleFarm.SearchBench;

/// <summary>
/// Runs bench/optuna_samplers.py with Debian's Optuna: the job (the problems' spaces as this side defines them, and what
/// to run) goes in on stdin as JSON, one JSON object per result comes back per line.
/// </summary>
internal static class OptunaSide
{
    public const string Python = "/usr/bin/python3";
    public const string Script = "bench/optuna_samplers.py";

    /// <summary>TPESampler with its defaults (independent), with multivariate=True (as ours), RandomSampler, CmaEsSampler. Optuna 3.1 has no GPSampler.</summary>
    public static readonly string[] Samplers = ["random", "tpe", "tpe_multivariate", "cmaes"];

    public static string Version() => RunAsync("version", new JsonObject()).GetAwaiter().GetResult().Single().GetProperty("optuna").GetString()!;

    /// <summary>Starts the script; the task ends with its result lines, or throws with its stderr if it failed.</summary>
    public static async Task<List<JsonElement>> RunAsync(string mode, JsonObject job)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(mode);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Python}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(job.ToJsonString());
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{Script} {mode} failed (exit {process.ExitCode}):\n{await stderr}");
        return (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
    }

    /// <summary>A problem as the script reads it: its name (which selects the Python function) and its space.</summary>
    public static JsonObject Problem(SearchProblem problem) => new()
    {
        ["name"] = problem.Name,
        ["space"] = new JsonArray([.. problem.Space.Parameters.Select(Parameter)]),
    };

    private static JsonNode Parameter(ParameterSpec p) => p.Distribution switch
    {
        FloatDistribution f => new JsonObject { ["name"] = p.Name, ["kind"] = "float", ["low"] = f.Low, ["high"] = f.High, ["log"] = f.Log, ["step"] = f.Step },
        IntDistribution i => new JsonObject { ["name"] = p.Name, ["kind"] = "int", ["low"] = i.Low, ["high"] = i.High, ["log"] = i.Log, ["step"] = i.Step },
        CategoricalDistribution c => new JsonObject { ["name"] = p.Name, ["kind"] = "categorical", ["choices"] = new JsonArray([.. c.Choices.Select(v => JsonValue.Create(v.AsText()))]) },
        _ => throw new NotSupportedException($"{p.Name}: the Optuna side has no {p.Distribution.GetType().Name} (and the benchmark problems use none)"),
    };

    /// <summary>Parameters Optuna reported, as our values, so that our definition of the function can be evaluated on them.</summary>
    public static Dictionary<string, ParamValue> Params(SearchSpace space, JsonElement values) =>
        space.Parameters.ToDictionary(p => p.Name, p =>
        {
            var v = values.GetProperty(p.Name);
            return p.Distribution switch
            {
                IntDistribution => ParamValue.Int(v.GetInt64()),
                CategoricalDistribution => ParamValue.Text(v.GetString()!),
                _ => ParamValue.Float(v.GetDouble()),
            };
        }, StringComparer.Ordinal);
}
