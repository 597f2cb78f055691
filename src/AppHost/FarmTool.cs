using System.Diagnostics;

namespace EnsembleFarm.AppHost;

/// <summary>
/// One of the farm's executables (<c>farm</c>, <c>farm-silo</c>), found next to the calling program's own
/// output where the build copies them (projects that start them reference their projects), and started
/// through the <c>dotnet</c> host.
/// </summary>
public sealed class FarmTool
{
    /// <summary>The <c>farm</c> command line.</summary>
    public const string Client = "farm";

    /// <summary>The <c>farm-silo</c> worker process.</summary>
    public const string Silo = "farm-silo";

    private readonly string _dllPath;

    private FarmTool(string name, string dllPath)
    {
        Name = name;
        _dllPath = dllPath;
    }

    public string Name { get; }

    /// <summary>The tool in <paramref name="directory"/> (default: the running program's own folder).</summary>
    public static FarmTool Find(string assemblyName, string? directory = null)
    {
        directory ??= AppContext.BaseDirectory;
        var dll = Path.Combine(directory, assemblyName + ".dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException($"{assemblyName}.dll is not in {directory}; build the project that starts it (it references {assemblyName}'s project).", dll);
        return new FarmTool(assemblyName, dll);
    }

    /// <summary>How to start the tool with these arguments, its stdout and stderr redirected to the caller.</summary>
    public ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.ArgumentList.Add(_dllPath);
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        return startInfo;
    }

    /// <summary>The dotnet host running us (so children use the same runtime), else 'dotnet' from PATH.</summary>
    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            return current;
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
    }
}
