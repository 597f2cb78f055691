using System.Text.Json.Nodes;
using EnsembleFarm.Deploy.Tests.Kustomize;
using k8s;
using k8s.Models;

namespace EnsembleFarm.Deploy.Tests;

/// <summary>What an overlay renders to, as KubernetesClient's typed objects (unknown fields refused), with the lookups the checks use.</summary>
internal sealed class Manifests(IReadOnlyList<object> objects)
{
    /// <summary>The folders under deploy/k8s that <c>kubectl apply -k</c> is meant for (docs/cluster.md).</summary>
    public static readonly string[] Overlays = ["overlays/cpu", "overlays/gpu"];

    public const string Campaign = "campaign";

    public const string ExternalPostgres = "components/external-postgres";

    /// <summary>The Service farm clients connect to (docs/cluster.md).</summary>
    public const string GatewayService = "farm-gateway";

    public IReadOnlyList<object> Objects { get; } = objects;

    public IEnumerable<T> OfType<T>() => Objects.OfType<T>();

    /// <summary>Renders deploy/k8s/<paramref name="folder"/> with the tests' kustomize.</summary>
    public static Manifests Render(string folder) => Load(Kustomization.Build(Path.Combine(Repository.K8s, folder)));

    /// <summary>A farm overlay together with the campaign Job applied to it, as an operator applies both.</summary>
    public static Manifests RenderWithCampaign(string overlay) => Load(RenderJsonWithCampaign(overlay));

    /// <summary>What <see cref="RenderWithCampaign"/> loads, as JSON trees a test may change first.</summary>
    public static List<JsonObject> RenderJsonWithCampaign(string overlay) =>
        [.. Kustomization.Build(Path.Combine(Repository.K8s, overlay)), .. Kustomization.Build(Path.Combine(Repository.K8s, Campaign))];

    /// <summary>Typed objects from JSON trees; strict, so a misspelt field fails here rather than in the API server.</summary>
    public static Manifests Load(IEnumerable<JsonObject> resources) =>
        new(KubernetesYaml.LoadAllFromString(string.Join("\n---\n", resources.Select(r => r.ToJsonString())), strict: true));

    /// <summary>Each workload's name and pod template: Deployments, StatefulSets and Jobs.</summary>
    public IEnumerable<(string Workload, V1PodTemplateSpec Template)> PodTemplates()
    {
        foreach (var o in Objects)
        {
            switch (o)
            {
                case V1Deployment d:
                    yield return ($"Deployment {d.Metadata.Name}", d.Spec.Template);
                    break;
                case V1StatefulSet s:
                    yield return ($"StatefulSet {s.Metadata.Name}", s.Spec.Template);
                    break;
                case V1Job j:
                    yield return ($"Job {j.Metadata.Name}", j.Spec.Template);
                    break;
            }
        }
    }

    /// <summary>The pod labels of the workload named as <see cref="PodTemplates"/> names it.</summary>
    public IDictionary<string, string>? Labels(string workload) =>
        PodTemplates().FirstOrDefault(t => t.Workload == workload).Template?.Metadata?.Labels;

    /// <summary>The value Kubernetes would give <paramref name="key"/> of Secret <paramref name="name"/>, or null when the manifests have no such key.</summary>
    public string? SecretValue(string name, string key)
    {
        var secret = OfType<V1Secret>().FirstOrDefault(s => s.Metadata.Name == name);
        if (secret?.StringData?.TryGetValue(key, out var text) == true) return text;
        return secret?.Data?.TryGetValue(key, out var bytes) == true ? System.Text.Encoding.UTF8.GetString(bytes) : null;
    }
}
