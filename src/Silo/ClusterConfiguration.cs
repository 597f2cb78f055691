using System.Data.Common;
using EnsembleFarm.Store;
using Npgsql;
using Orleans.Configuration;

namespace EnsembleFarm.Silo;

/// <summary>
/// How the silo finds its cluster. A SQLite store means one machine and one silo: localhost clustering, nothing to set
/// up. A PostgreSQL store means a cluster: the membership table lives in the same database (ADO.NET clustering, its
/// schema created by the first silo), so one setting, the connection string, makes a cluster.
/// </summary>
internal static class ClusterConfiguration
{
    /// <summary>The ADO.NET provider name Orleans looks up; Npgsql registers under it.</summary>
    public const string PostgresInvariant = "Npgsql";

    public static async Task ConfigureAsync(WebApplicationBuilder builder, SiloSettings settings, Action<ISiloBuilder> addFarm)
    {
        string? connectionString = null;
        if (settings.IsCluster)
        {
            connectionString = PostgresLocation.Parse(settings.Store!).ConnectionString;
            await PostgresClusterSchema.EnsureAsync(settings.Store!);
            DbProviderFactories.RegisterFactory(PostgresInvariant, NpgsqlFactory.Instance);
        }
        builder.UseOrleans(silo =>
        {
            if (connectionString is null)
            {
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, serviceId: settings.ClusterId, clusterId: settings.ClusterId);
            }
            else
            {
                silo.UseAdoNetClustering(options =>
                {
                    options.Invariant = PostgresInvariant;
                    options.ConnectionString = connectionString;
                });
                silo.Configure<ClusterOptions>(options =>
                {
                    options.ClusterId = settings.ClusterId;
                    options.ServiceId = settings.ClusterId;
                });
                silo.ConfigureEndpoints(settings.Address, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: false);
            }
            // The membership table's silo name: the pod's name in Kubernetes, so a row points at the pod to look at.
            silo.Configure<SiloOptions>(options => options.SiloName = settings.Name);
            silo.AddActivityPropagation();
            addFarm(silo);
        });
    }
}
