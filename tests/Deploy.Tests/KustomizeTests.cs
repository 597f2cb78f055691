using System.Diagnostics;
using System.Text.Json.Nodes;
using EnsembleFarm.Deploy.Tests.Kustomize;

namespace EnsembleFarm.Deploy.Tests;

/// <summary>The tests' renderer builds each kustomization as kustomize does (compared with <c>kubectl kustomize</c> where kubectl is installed).</summary>
public sealed class KustomizeTests
{
    public static TheoryData<string> Folders => new([.. Manifests.Overlays, Manifests.Campaign]);

    [Theory]
    [MemberData(nameof(Folders))]
    public async Task Renderer_GivesWhatKubectlKustomizeGives(string folder)
    {
        var path = Path.Combine(Repository.K8s, folder);
        var kustomize = await KubectlKustomizeAsync(path);

        var ours = Kustomization.Build(path);

        // kustomize orders resources by kind; the renderer keeps the order they were declared in.
        Assert.Equal(Normalized(YamlJson.LoadAll(kustomize, $"kubectl kustomize {folder}").Cast<JsonObject>()), Normalized(ours));
    }

    [Fact]
    public void Renderer_RefusesWhatItDoesNotImplement()
    {
        using var folder = new TestKit.TempFolder("farm-overlay-");
        File.WriteAllText(folder["kustomization.yaml"], "resources: []\nconfigMapGenerator: []\n");

        var error = Assert.Throws<NotSupportedException>(() => Kustomization.Build(folder.Path));

        Assert.Contains("'configMapGenerator' is not supported", error.Message);
    }

    private static List<string> Normalized(IEnumerable<JsonObject> resources) =>
        [.. resources.Select(r => Sorted(r)!.ToJsonString()).Order(StringComparer.Ordinal)];

    /// <summary>The same tree with every object's keys in order (kustomize writes them sorted; lists keep their order).</summary>
    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject map => new JsonObject(map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray list => new JsonArray([.. list.Select(Sorted)]),
        _ => node?.DeepClone(),
    };

    private static async Task<string> KubectlKustomizeAsync(string folder)
    {
        var info = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["kustomize", folder]) info.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip("kubectl is not installed: the renderer is not compared with kustomize here");
            throw;
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.True(process.ExitCode == 0, $"kubectl kustomize {folder} failed: {error}");
            return await output;
        }
    }
}
