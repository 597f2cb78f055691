using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Silo;

namespace EnsembleFarm.Deploy.Tests.Checks;

/// <summary>
/// deploy/systemd's unit and its example environment file agree with farm-silo: the program the Silo project builds,
/// its init step, settings it reads with values it accepts, and a stop that lets it drain.
/// </summary>
internal static class SystemdChecks
{
    public static string UnitPath => Repository.PathOf("deploy", "systemd", "farm-silo.service");

    public static string EnvironmentPath => Repository.PathOf("deploy", "systemd", "farm-silo.env");

    public static IReadOnlyList<string> Problems(string unit, string environmentFile)
    {
        var problems = new List<string>();
        var service = Section(unit, "Service");
        var program = Repository.AssemblyNameOf(Repository.PathOf("src", "Silo", "EnsembleFarm.Silo.csproj"));
        var start = Words(service.GetValueOrDefault("ExecStart"));
        if (start is not [var exec, ..] || Path.GetFileName(exec) != program)
            problems.Add($"ExecStart runs '{service.GetValueOrDefault("ExecStart")}', not the Silo project's program {program}");
        if (Words(service.GetValueOrDefault("ExecStartPre")) is not [var pre, SiloHost.InitStoreFlag] || Path.GetFileName(pre) != program)
            problems.Add($"ExecStartPre does not run {program} {SiloHost.InitStoreFlag} (the schema before the silo)");

        var environment = environmentFile.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
        var (settings, settingProblems) = SiloEnvironment.Read("farm-silo.env", environment, start.Skip(1).ToList());
        problems.AddRange(settingProblems);

        if (!Duration.TryParse(service.GetValueOrDefault("TimeoutStopSec") ?? "90", out var timeout)) problems.Add("TimeoutStopSec is not a number of seconds");
        else if (settings is not null && timeout <= settings.DrainTimeout + SiloHost.AfterDrain)
            problems.Add($"TimeoutStopSec {timeout.TotalSeconds:0} must exceed the drain timeout {settings.DrainTimeout.TotalSeconds:0}s + {SiloHost.AfterDrain.TotalSeconds:0}s, or systemd kills the silo mid-drain");
        if (service.GetValueOrDefault("KillMode") != "mixed")
            problems.Add("KillMode must be mixed: SIGTERM to the silo alone, which stops its trainers itself as it drains");
        if (!Words(service.GetValueOrDefault("RestartPreventExitStatus")).Contains(FarmExitCodes.BadInput.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            problems.Add($"RestartPreventExitStatus should hold {FarmExitCodes.BadInput} (bad settings fail again on every restart)");
        return problems;
    }

    /// <summary>The keys of one [section] of a unit file (the last value of a key repeated).</summary>
    private static Dictionary<string, string> Section(string unit, string name)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        foreach (var line in unit.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] is not ('#' or ';')))
        {
            if (line.StartsWith('[')) current = line.Trim('[', ']');
            else if (current == name && line.Split('=', 2) is [var key, var value]) keys[key.Trim()] = value.Trim();
        }
        return keys;
    }

    private static string[] Words(string? text) => text?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
}
