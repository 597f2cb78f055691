namespace EnsembleFarm.GrainInterfaces;

/// <param name="SiloId">The silo's address in the cluster (<c>SiloAddress.ToParsableString()</c>): the owner its trials carry in the store.</param>
/// <param name="Slots">The silo's slot names (cpu0, cpu1, …; gpu0, …).</param>
/// <param name="RunningTrials">The trials it runs now.</param>
/// <param name="Draining">It takes no new work (stopping).</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record SiloReport(
    string SiloId,
    string Host,
    int ProcessId,
    IReadOnlyList<string> Slots,
    int FreeSlots,
    IReadOnlyList<long> RunningTrials,
    bool Draining,
    DateTimeOffset StartedAt);
