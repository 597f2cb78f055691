namespace EnsembleFarm.Client.Connection;

/// <summary>Where the farm is, as the user said (options, or environment variables when an option is not given).</summary>
/// <param name="Gateway">A silo's gateway, host:port (one-machine farms).</param>
/// <param name="Cluster">The cluster's PostgreSQL connection string or URL: the client finds the gateways in its membership table.</param>
/// <param name="Store">A store to read directly (reads only), instead of asking a farm.</param>
/// <param name="ClusterId">The cluster's name, when not the default.</param>
public sealed record ConnectionOptions(string? Gateway, string? Cluster, string? Store, string? ClusterId)
{
    public const string GatewayVariable = "ENSEMBLEFARM_GATEWAY";
    public const string ClusterVariable = "ENSEMBLEFARM_CLUSTER";
    public const string ClusterIdVariable = "ENSEMBLEFARM_CLUSTER_ID";
}
