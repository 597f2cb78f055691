using EnsembleFarm.GrainInterfaces;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace EnsembleFarm.AppHost;

/// <summary>
/// The farm as Aspire resources: the silos (one on SQLite, or N on a local PostgreSQL), the data generator when the
/// spec's data set is missing, and the campaign runner (<c>farm run SPEC</c>), which waits for the silos.
/// Resources run from their project folders, so every path they get is absolute.
/// </summary>
internal static class FarmModel
{
    public const string CampaignResource = "campaign";
    public const string DataResource = "data";

    /// <summary>Adds the farm to <paramref name="builder"/>; returns the silos' resource names.</summary>
    public static IReadOnlyList<string> Add(IDistributedApplicationBuilder builder, FarmAppOptions options, string datasetPath, string task)
    {
        IResourceBuilder<IResource>? postgres = null;
        string store = options.StorePath;
        if (options.IsCluster)
        {
            var server = LocalPostgres.Add(builder, Path.Combine(options.FarmFolder, "postgres"));
            postgres = server.Resource;
            store = server.ConnectionString;
        }

        var silos = new List<IResourceBuilder<ExecutableResource>>();
        for (var i = 0; i < options.Silos; i++)
        {
            var name = options.IsCluster ? $"silo-{i + 1}" : "silo";
            // Each silo of a cluster on one machine needs its own ports; the first keeps the farm's defaults.
            var offset = 10 * i;
            var silo = AddDotnet(builder, name, new Projects.EnsembleFarm_Silo(), "farm-silo")
                .WithEnvironment("EnsembleFarm__Store", store)
                .WithEnvironment("EnsembleFarm__Silo__Slots", options.Slots.ToString())
                .WithEnvironment("EnsembleFarm__Silo__SiloPort", (FarmDefaults.SiloPort + offset).ToString())
                .WithEnvironment("EnsembleFarm__Silo__GatewayPort", (FarmDefaults.GatewayPort + offset).ToString())
                // Ctrl+C gives the running trials back at once (no attempt spent); the next run resumes them.
                .WithEnvironment("EnsembleFarm__Silo__Drain", "release")
                .WithHttpEndpoint(port: FarmDefaults.HttpPort + offset, isProxied: false, env: "EnsembleFarm__Silo__HttpPort")
                .WithHttpHealthCheck("/health/ready");
            if (postgres is not null) silo.WaitFor(postgres);
            silos.Add(silo);
        }

        var campaign = AddDotnet(builder, CampaignResource, new Projects.EnsembleFarm_Client(), "farm",
            ["run", options.SpecPath, .. options.IsCluster ? new[] { "--cluster", store } : ["--gateway", $"127.0.0.1:{FarmDefaults.GatewayPort}"]]);
        foreach (var silo in silos) campaign.WaitFor(silo);
        if (!File.Exists(datasetPath))
        {
            var data = AddDotnet(builder, DataResource, new Projects.EnsembleFarm_Client(), "farm", ["data", "generate", "--kind", task, "--out", datasetPath]);
            campaign.WaitForCompletion(data);
        }
        return [.. silos.Select(s => s.Resource.Name)];
    }

    /// <summary>
    /// A farm program run by the dotnet host from its build output, which the AppHost's build produced beside its own
    /// (bin/CONFIGURATION/TFM). Not through <c>dotnet run</c>: its wrapper process would stand between the orchestrator's
    /// stop signal and the program, and a silo must get that signal itself to give its trials back.
    /// </summary>
    private static IResourceBuilder<ExecutableResource> AddDotnet(IDistributedApplicationBuilder builder, string name, IProjectMetadata project,
        string assembly, string[]? args = null)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory);
        var (framework, configuration) = (output.Name, output.Parent!.Name);
        var folder = Path.GetDirectoryName(project.ProjectPath)!;
        var program = Path.Combine(folder, "bin", configuration, framework, assembly + ".dll");
        if (!File.Exists(program))
            throw new FarmAppException($"{program} is missing: build the AppHost first (dotnet build src/AppHost -c {configuration}), which builds it");
        return builder.AddExecutable(name, "dotnet", folder, [program, .. args ?? []]).WithOtlpExporter();
    }
}
