using EnsembleFarm.Silo;
using Microsoft.Extensions.Configuration;

namespace EnsembleFarm.Deploy.Tests.Checks;

/// <summary>
/// What farm-silo makes of the environment and arguments a deployment gives it, read by the silo's own code
/// (<see cref="SiloSettings.Read"/>): a variable that is no setting is a problem too, since configuration would take it
/// silently and the operator would believe it set something.
/// </summary>
internal static class SiloEnvironment
{
    public static (SiloSettings? Settings, IReadOnlyList<string> Problems) Read(string where, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> args)
    {
        var problems = new List<string>();
        foreach (var name in environment.Keys.Where(n => !IsSetting(n)))
            problems.Add($"{where}: {name} is no setting farm-silo reads (docs/silo.md lists them: {string.Join(", ", SiloSettings.All.Select(s => s.EnvironmentVariable))}, " +
                $"{string.Join(", ", SiloSettings.Sections.Select(s => $"{s.EnvironmentVariablePrefix}<{s.Entry}>"))})");
        foreach (var flag in SiloHost.UnknownFlags(args)) problems.Add($"{where}: farm-silo has no option {flag}");

        // As the process builds its configuration: environment variables ('__' for ':'), then the flags over them.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(environment.Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), (string?)e.Value)))
            .AddCommandLine([.. args.Where(a => a != SiloHost.InitStoreFlag)], SiloSettings.SwitchMappings)
            .Build();
        var (settings, errors) = SiloSettings.Read(configuration);
        problems.AddRange(errors.Select(e => $"{where}: farm-silo refuses its settings: {e}"));
        return (settings, problems);
    }

    private static bool IsSetting(string variable) =>
        SiloSettings.All.Any(s => string.Equals(s.EnvironmentVariable, variable, StringComparison.OrdinalIgnoreCase))
        || SiloSettings.Sections.Any(s => variable.StartsWith(s.EnvironmentVariablePrefix, StringComparison.OrdinalIgnoreCase) && variable.Length > s.EnvironmentVariablePrefix.Length);
}
