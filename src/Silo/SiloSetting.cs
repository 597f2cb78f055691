namespace EnsembleFarm.Silo;

/// <summary>One setting of <c>farm-silo</c>: its configuration key, the flag that overrides it, and what it means.</summary>
/// <param name="Key">The configuration key (environment variable: the key with <c>__</c> for <c>:</c>, e.g. <c>EnsembleFarm__Silo__Slots</c>).</param>
/// <param name="Flag">The command-line flag, e.g. <c>--slots</c>.</param>
/// <param name="Default">The default, as the help shows it.</param>
public sealed record SiloSetting(string Key, string Flag, string Description, string Default)
{
    public string EnvironmentVariable => Key.Replace(":", "__", StringComparison.Ordinal);
}
