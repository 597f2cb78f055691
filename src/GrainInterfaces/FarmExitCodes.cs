namespace EnsembleFarm.GrainInterfaces;

/// <summary>
/// The exit codes of the farm's processes (<c>farm</c>, <c>farm-silo</c>, the AppHost), documented in the README;
/// scripts rely on them, so they never change meaning.
/// </summary>
public static class FarmExitCodes
{
    /// <summary>Done; for a followed campaign: it completed.</summary>
    public const int Ok = 0;

    /// <summary>The followed campaign ended failed or cancelled; for <c>results</c>: no member has completed; for a silo: it failed.</summary>
    public const int CampaignNotCompleted = 1;

    /// <summary>Bad input: a command-line argument or setting, the spec, or the data set.</summary>
    public const int BadInput = 2;

    /// <summary>No campaign has the given id.</summary>
    public const int NotFound = 3;

    /// <summary>The store cannot be used: cannot be created, opened or reached, not a farm store, newer than this build, or lost while in use.</summary>
    public const int StoreUnusable = 4;

    /// <summary>No farm answers (no silo is running at the gateway or in the cluster), for a command that needs one.</summary>
    public const int FarmUnreachable = 5;

    /// <summary>Interrupted by Ctrl+C or SIGTERM (the conventional 128 + SIGINT); a followed campaign keeps running.</summary>
    public const int Interrupted = 130;
}
