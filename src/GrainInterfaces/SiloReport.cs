namespace EnsembleFarm.GrainInterfaces;

/// <param name="SiloId">The silo's address in the cluster (<c>SiloAddress.ToParsableString()</c>): the owner its trials carry in the store.</param>
/// <param name="Slots">The silo's slot names (cpu0, cpu1, …; gpu0, …).</param>
/// <param name="RunningTrials">The trials it runs now.</param>
/// <param name="Draining">It takes no new work (stopping).</param>
/// <param name="Commands">The aliases of the trainer commands its operator allowed (null from a silo that predates them: none).</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record SiloReport(
    string SiloId,
    string Host,
    int ProcessId,
    IReadOnlyList<string> Slots,
    int FreeSlots,
    IReadOnlyList<long> RunningTrials,
    bool Draining,
    DateTimeOffset StartedAt,
    IReadOnlyList<string>? Commands = null)
{
    /// <summary>Whether it runs campaigns whose trainer is <paramref name="command"/> (null: the built-in trainer, which every silo has).</summary>
    public bool Runs(string? command) => command is null || (Commands ?? []).Contains(command, StringComparer.OrdinalIgnoreCase);
}
