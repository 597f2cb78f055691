namespace EnsembleFarm.GrainInterfaces;

/// <param name="SiloId">The silo's address in the cluster (<c>SiloAddress.ToParsableString()</c>): the owner its trials carry in the store.</param>
/// <param name="Slots">The silo's CPU slot names (cpu0, cpu1, …).</param>
/// <param name="Gpus">The device ids of the GPUs it offers (none: empty).</param>
/// <param name="GpuShares">Trials each GPU takes at once (<c>--trials-per-gpu</c>).</param>
/// <param name="FreeGpus">Free GPU places: trials it could start now that need one GPU each.</param>
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
    IReadOnlyList<string>? Commands = null,
    IReadOnlyList<int>? Gpus = null,
    int GpuShares = 1,
    int FreeGpus = 0)
{
    /// <summary>Whether it runs campaigns whose trainer is <paramref name="command"/> (null: the built-in trainer, which every silo has).</summary>
    public bool Runs(string? command) => command is null || (Commands ?? []).Contains(command, StringComparer.OrdinalIgnoreCase);

    /// <summary>How many trials needing GPUs it can run at once, all GPUs busy.</summary>
    public int GpuPlaces => (Gpus?.Count ?? 0) * GpuShares;
}
