namespace EnsembleFarm.Silo;

/// <summary>
/// A setting of <c>farm-silo</c> made of keys of its own under one configuration section
/// (<c>EnsembleFarm:Silo:Commands:pytorch</c>), set in configuration or the environment only: it has no flag.
/// </summary>
/// <param name="Key">The section's configuration key; each entry is a key below it.</param>
/// <param name="Entry">What an entry's own key names, as the help shows it (e.g. <c>alias</c>).</param>
public sealed record SiloSection(string Key, string Entry, string Description)
{
    /// <summary>What every entry's environment variable starts with, e.g. <c>EnsembleFarm__Silo__Commands__</c>.</summary>
    public string EnvironmentVariablePrefix => Key.Replace(":", "__", StringComparison.Ordinal) + "__";
}
