using System.Xml.Linq;

namespace EnsembleFarm.Deploy.Tests;

/// <summary>The repository the tests run from: where deploy/ is, and what its projects build.</summary>
internal static class Repository
{
    /// <summary>The folder holding EnsembleFarm.sln, found upwards from the test's binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string K8s => Path.Combine(Root, "deploy", "k8s");

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The file name a project builds (its AssemblyName, else the project file's name).</summary>
    public static string AssemblyNameOf(string projectPath)
    {
        var project = XDocument.Load(projectPath);
        return project.Descendants("AssemblyName").Select(e => e.Value.Trim()).FirstOrDefault()
            ?? Path.GetFileNameWithoutExtension(projectPath);
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "EnsembleFarm.sln"))) return folder.FullName;
        throw new InvalidOperationException($"No EnsembleFarm.sln above {AppContext.BaseDirectory}.");
    }
}
