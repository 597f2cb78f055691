namespace EnsembleFarm.GrainInterfaces;

/// <summary>What silos and clients agree on when nobody says otherwise.</summary>
public static class FarmDefaults
{
    /// <summary>
    /// The cluster's name (Orleans' ClusterId and ServiceId). Silos and clients sharing a database must agree on it; a
    /// second farm on the same database uses another.
    /// </summary>
    public const string ClusterId = "ensemblefarm";

    /// <summary>
    /// The farm's own ports (Orleans' default silo and gateway ports are often taken by other software): silo-to-silo
    /// traffic, the client gateway, and the silo's health endpoints.
    /// </summary>
    public const int SiloPort = 21111;

    public const int GatewayPort = 21112;

    public const int HttpPort = 21113;
}
