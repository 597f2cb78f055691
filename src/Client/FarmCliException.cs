namespace EnsembleFarm.Client;

/// <summary>
/// A failure the user can act on: its message is printed as one line on stderr and the process exits
/// with <see cref="ExitCode"/> (one of <see cref="ExitCodes"/>).
/// </summary>
public sealed class FarmCliException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
