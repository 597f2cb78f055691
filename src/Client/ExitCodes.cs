namespace EnsembleFarm.Client;

/// <summary>
/// The process exit codes of <c>farm</c>, documented in the README; scripts rely on them, so they never change meaning.
/// </summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked (for <c>watch</c> and <c>submit --wait</c>: the campaign completed).</summary>
    public const int Ok = 0;

    /// <summary>The campaign that was watched ended failed or cancelled.</summary>
    public const int CampaignNotCompleted = 1;

    /// <summary>Bad input: a command-line argument, the spec, or the data set.</summary>
    public const int BadInput = 2;

    /// <summary>No campaign has the given id.</summary>
    public const int NotFound = 3;

    /// <summary>The store could not be opened or read (missing folder rights, a corrupt or newer-schema file).</summary>
    public const int StoreUnavailable = 4;

    /// <summary>Interrupted by Ctrl+C (the conventional 128 + SIGINT); a watched campaign keeps running.</summary>
    public const int Interrupted = 130;
}
