using Orleans.Configuration;

namespace EnsembleFarm.Grains;

/// <summary>
/// How fast the cluster declares a silo dead, and why these values (measured on 2-core machines, ../docs/cluster.md):
/// a SIGKILLed silo's socket closes, so probes fail at once and it is declared dead in about a second; a silo that hangs
/// (SIGSTOP, a frozen VM) answers no probe and is declared dead after about 8 s. Defaults take 10 s for the first and
/// never declare the second (connection liveness suppresses the votes for a minute). No false death was seen with these
/// under heavy CPU load; a silo declared dead by mistake stops itself and is restarted by its supervisor, losing only
/// the attempts it was running.
/// </summary>
public static class FarmMembership
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);
    public const int NumMissedProbesLimit = 2;
    public static readonly TimeSpan IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan TableRefreshTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Longest a grain call waits for an answer; control calls are short, and a dead silo's are failed sooner.</summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(15);

    public static void Configure(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = ProbeTimeout;
        options.NumMissedProbesLimit = NumMissedProbesLimit;
        options.IAmAliveTablePublishTimeout = IAmAliveTablePublishTimeout;
        options.TableRefreshTimeout = TableRefreshTimeout;
    }
}
