using EnsembleFarm.GrainInterfaces;

namespace EnsembleFarm.Deploy.Tests.Checks;

/// <summary>
/// A Dockerfile builds what the manifests run: it publishes a project of the repository from the .NET SDK image, its
/// entrypoint is that project's program where the final stage copied it, on a base that can run it, and a silo image
/// exposes the silo's ports.
/// </summary>
internal static class DockerfileChecks
{
    private const string Sdk = "mcr.microsoft.com/dotnet/sdk:";

    public static IReadOnlyList<string> Problems(Dockerfile image)
    {
        var problems = new List<string>();
        var where = $"{image.Path}";
        if (!image.BuildBase.StartsWith(Sdk, StringComparison.Ordinal)) problems.Add($"{where}: builds on {image.BuildBase}, not the .NET SDK image ({Sdk}…)");
        if (image.PublishedProject is not { } project || image.PublishFolder is not { } folder)
        {
            problems.Add($"{where}: publishes no project (dotnet publish <project>.csproj -o <folder>)");
            return problems;
        }
        var projectPath = Repository.PathOf(project);
        if (!File.Exists(projectPath))
        {
            problems.Add($"{where}: publishes {project}, which is not in the repository");
            return problems;
        }
        var program = Repository.AssemblyNameOf(projectPath);
        if (!image.FinalCopies.Any(c => c.From is not null && c.Source == folder))
            problems.Add($"{where}: the final stage does not copy the published folder {folder}");
        string[] expected = [$"{folder}/{program}"];
        if (!image.Entrypoint.SequenceEqual(expected))
            problems.Add($"{where}: ENTRYPOINT [{string.Join(", ", image.Entrypoint)}], but {project} publishes {expected[0]}");
        // A framework-dependent program needs the runtime it was built for; a self-contained one brings its own.
        var web = File.ReadAllText(projectPath).Contains("Sdk=\"Microsoft.NET.Sdk.Web\"", StringComparison.Ordinal);
        string[] runtimes = web ? ["mcr.microsoft.com/dotnet/aspnet:"] : ["mcr.microsoft.com/dotnet/runtime:", "mcr.microsoft.com/dotnet/aspnet:"];
        if (!image.SelfContained && !runtimes.Any(r => image.FinalBase.StartsWith(r, StringComparison.Ordinal)))
            problems.Add($"{where}: runs the framework-dependent {program} on {image.FinalBase}, which has not the runtime it needs ({string.Join(" or ", runtimes)}…)");
        if (program == PodContainer.Silo)
        {
            foreach (var port in new[] { FarmDefaults.SiloPort, FarmDefaults.GatewayPort, FarmDefaults.HttpPort }.Where(p => !image.Exposed.Contains(p)))
                problems.Add($"{where}: does not EXPOSE the silo's port {port}");
        }
        foreach (var (_, source, _) in image.FinalCopies.Where(c => c.From is null && !Path.Exists(Repository.PathOf(c.Source))))
            problems.Add($"{where}: copies {source}, which is not in the repository");
        return problems;
    }
}
