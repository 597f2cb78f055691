namespace EnsembleFarm.Silo.Training;

/// <summary>How this silo runs command trainers (docs/trainer-protocol.md).</summary>
/// <param name="Commands">The operator's commands by alias (case-insensitive): a command line that <c>/bin/sh</c> runs with the trial file as its last argument.</param>
/// <param name="WorkFolder">Where each attempt gets a folder of its own for the trial file and the trainer's outputs; removed when the attempt ends.</param>
/// <param name="MemoryLimit">Bytes of address space a trainer may map (RLIMIT_AS); null: no limit.</param>
/// <param name="Timeout">How long one attempt may run; null: no limit.</param>
/// <param name="KillGrace">How long a trainer has after SIGTERM before its process group gets SIGKILL.</param>
public sealed record CommandTrainerOptions(
    IReadOnlyDictionary<string, string> Commands,
    string WorkFolder,
    long? MemoryLimit = null,
    TimeSpan? Timeout = null,
    TimeSpan? KillGrace = null)
{
    public static readonly TimeSpan DefaultKillGrace = TimeSpan.FromSeconds(10);

    public TimeSpan Grace => KillGrace ?? DefaultKillGrace;

    /// <summary>The command line <paramref name="alias"/> names on this silo, or null when the operator did not allow it.</summary>
    public string? CommandFor(string alias) =>
        Commands.FirstOrDefault(c => string.Equals(c.Key, alias, StringComparison.OrdinalIgnoreCase)).Value;
}
