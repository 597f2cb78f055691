using System.Data.Common;
using System.Net;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;

namespace EnsembleFarm.Client.Connection;

/// <summary>Whether a command needs a running farm, or can do its work on the store when none runs.</summary>
public enum FarmNeed
{
    /// <summary>Reads: from the farm, else from its store.</summary>
    ReadsOnly,

    /// <summary>A change the store alone can make safely when no farm runs (deleting an ended campaign): through the farm, else on the store.</summary>
    FarmOrStore,

    /// <summary>Only a running farm can do it (submit, cancel, follow a running campaign).</summary>
    Farm,
}

/// <summary>Opens what a command talks to (tests pass their own, over an in-process cluster).</summary>
public delegate Task<IFarmConnection> ConnectFarm(ConnectionOptions options, FarmNeed need, CancellationToken ct);

/// <summary>
/// Finds the farm: a gateway (<c>--gateway</c>, <c>$ENSEMBLEFARM_GATEWAY</c>, else this machine's default port) or a
/// cluster's database (<c>--cluster</c>, <c>$ENSEMBLEFARM_CLUSTER</c>). When none answers, a command that only reads
/// reads the store instead (<c>--store</c>, else the default ./.farm/farm.db), so results stay readable with no silo
/// running; a command that needs a farm says how to start one.
/// </summary>
public static class FarmConnector
{
    public const string HowToStart =
        "Start a farm first: 'dotnet run --project src/AppHost -- --keep-running' (or 'farm-silo' with the same store).";

    /// <summary>How long to try a gateway before deciding no farm runs there.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(4);

    public static async Task<IFarmConnection> ConnectAsync(ConnectionOptions options, FarmNeed need, CancellationToken ct)
    {
        var gateway = options.Gateway ?? Environment.GetEnvironmentVariable(ConnectionOptions.GatewayVariable);
        var cluster = options.Cluster ?? Environment.GetEnvironmentVariable(ConnectionOptions.ClusterVariable);
        if (need != FarmNeed.Farm && options.Store is not null && string.IsNullOrWhiteSpace(gateway) && string.IsNullOrWhiteSpace(cluster))
            return await OpenStoreAsync(options.Store, "you named a store to read", ct);

        var clusterId = options.ClusterId ?? Environment.GetEnvironmentVariable(ConnectionOptions.ClusterIdVariable) ?? FarmDefaults.ClusterId;
        var where = string.IsNullOrWhiteSpace(cluster)
            ? $"the farm at {(string.IsNullOrWhiteSpace(gateway) ? $"127.0.0.1:{FarmDefaults.GatewayPort}" : gateway)}"
            : $"the cluster '{clusterId}' in {PostgresLocation.Redact(cluster)}";
        try
        {
            var host = await StartClientAsync(gateway, cluster, clusterId, ct);
            return new ClusterConnection(host.Services.GetRequiredService<IClusterClient>(), where, host);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var why = $"no farm answers at {where.Replace("the farm at ", "", StringComparison.Ordinal)}";
            if (need == FarmNeed.Farm) throw new FarmCliException(FarmExitCodes.FarmUnreachable, $"error: {why}. {HowToStart}", e);
            var store = options.Store ?? FarmPaths.DefaultStoreLocation;
            if (!PostgresLocation.IsPostgres(store) && !File.Exists(FarmStoreFactory.ResolveSqlitePath(store)))
                throw new FarmCliException(FarmExitCodes.FarmUnreachable, $"error: {why}, and there is no store at {store} to read. {HowToStart}", e);
            return await OpenStoreAsync(store, why, ct);
        }
    }

    private static async Task<IFarmConnection> OpenStoreAsync(string location, string why, CancellationToken ct)
    {
        try
        {
            return new StoreConnection(await FarmStoreFactory.OpenAsync(location, ct: ct), why);
        }
        catch (FarmStoreException e)
        {
            throw new FarmCliException(FarmExitCodes.StoreUnusable, $"error: {e.Message}", e);
        }
    }

    private static async Task<IHost> StartClientAsync(string? gateway, string? cluster, string clusterId, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // The client's own logs (connection attempts) would drown the command's output; failures surface as exceptions.
        builder.Logging.ClearProviders();
        var giveUp = DateTime.UtcNow + ConnectTimeout;
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(ids =>
            {
                ids.ClusterId = clusterId;
                ids.ServiceId = clusterId;
            });
            if (!string.IsNullOrWhiteSpace(cluster))
            {
                DbProviderFactories.RegisterFactory("Npgsql", NpgsqlFactory.Instance);
                client.UseAdoNetClustering(adoNet =>
                {
                    adoNet.Invariant = "Npgsql";
                    adoNet.ConnectionString = PostgresLocation.Parse(cluster).ConnectionString;
                });
            }
            else
            {
                client.UseStaticClustering(Endpoint(gateway));
            }
            client.UseConnectionRetryFilter(async (_, token) =>
            {
                if (DateTime.UtcNow > giveUp) return false;
                await Task.Delay(250, token);
                return true;
            });
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(ct);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>host:port (a name or an address); the default gateway on this machine when not given.</summary>
    private static IPEndPoint Endpoint(string? gateway)
    {
        if (string.IsNullOrWhiteSpace(gateway)) return new IPEndPoint(IPAddress.Loopback, FarmDefaults.GatewayPort);
        var colon = gateway.LastIndexOf(':');
        var host = colon > 0 ? gateway[..colon] : gateway;
        var port = colon > 0 && int.TryParse(gateway[(colon + 1)..], out var p) ? p : FarmDefaults.GatewayPort;
        var address = IPAddress.TryParse(host.Trim('[', ']'), out var ip) ? ip : Dns.GetHostAddresses(host).First();
        return new IPEndPoint(address, port);
    }
}
