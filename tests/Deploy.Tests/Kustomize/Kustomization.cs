using System.Text.Json.Nodes;

namespace EnsembleFarm.Deploy.Tests.Kustomize;

/// <summary>
/// Builds a kustomization folder as <c>kubectl kustomize</c> does, for the part of Kustomize that deploy/k8s uses
/// (kustomize itself is not installed where the tests run): <c>resources</c> (files and folders), <c>components</c>,
/// <c>namespace</c>, <c>nameSuffix</c>, <c>patches</c> (strategic merge, from a file or inline, each naming its target
/// by kind and name; <c>$patch: delete</c> removes it) and <c>images</c> (newName, newTag), applied in kustomize's
/// order: patches, namespace, name suffix, images. Any other field is refused, so a manifest cannot quietly rely on
/// something this does not do; KustomizeTests compares its output with kustomize's where kubectl is installed.
/// </summary>
internal static class Kustomization
{
    private static readonly HashSet<string> Fields = ["apiVersion", "kind", "resources", "components", "namespace", "nameSuffix", "patches", "images"];

    /// <summary>Kinds that live in no namespace (of those a farm could use).</summary>
    private static readonly HashSet<string> ClusterScoped =
        ["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass", "PriorityClass", "CustomResourceDefinition"];

    /// <summary>Kinds other objects name (a pod's Secret, ConfigMap, claim, account, a Service's endpoints).</summary>
    private static readonly HashSet<string> Referenced = ["Secret", "ConfigMap", "PersistentVolumeClaim", "ServiceAccount", "Service"];

    /// <summary>The resources the kustomization in <paramref name="folder"/> produces.</summary>
    public static IReadOnlyList<JsonObject> Build(string folder)
    {
        var resources = new List<JsonObject>();
        Accumulate(Path.GetFullPath(folder), "Kustomization", resources);
        return resources;
    }

    /// <summary>Adds what the kustomization (or component) in <paramref name="folder"/> makes to <paramref name="resources"/>, then transforms them all.</summary>
    private static void Accumulate(string folder, string kind, List<JsonObject> resources)
    {
        var file = Path.Combine(folder, "kustomization.yaml");
        if (!File.Exists(file)) throw new FileNotFoundException($"{folder} has no kustomization.yaml", file);
        var kustomization = Single(file);
        if (kustomization.Select(p => p.Key).FirstOrDefault(k => !Fields.Contains(k)) is { } unsupported)
            throw new NotSupportedException($"{file}: '{unsupported}' is not supported by the tests' renderer");
        var declared = kustomization["kind"]?.GetValue<string>() ?? "Kustomization";
        if (declared != kind) throw new InvalidDataException($"{file}: a {declared} where a {kind} is expected");

        // A component transforms what its parent has accumulated so far, plus its own resources.
        var own = kind == "Component" ? resources : [];
        foreach (var entry in Strings(kustomization, "resources"))
        {
            var path = Path.GetFullPath(Path.Combine(folder, entry));
            if (Directory.Exists(path)) Accumulate(path, "Kustomization", own);
            else own.AddRange(YamlJson.LoadFile(path).Select(d => d as JsonObject ?? throw new InvalidDataException($"{path}: a document that is not an object")));
        }
        foreach (var entry in Strings(kustomization, "components"))
            Accumulate(Path.GetFullPath(Path.Combine(folder, entry)), "Component", own);

        foreach (var patch in kustomization["patches"]?.AsArray() ?? []) Patch(own, folder, patch!.AsObject());
        if (kustomization["namespace"]?.GetValue<string>() is { } ns)
            foreach (var resource in own.Where(r => !ClusterScoped.Contains(Kind(r)))) Metadata(resource)["namespace"] = ns;
        if (kustomization["nameSuffix"]?.GetValue<string>() is { } suffix) AddSuffix(own, suffix, file);
        foreach (var image in kustomization["images"]?.AsArray() ?? []) SetImage(own, image!.AsObject());

        if (!ReferenceEquals(own, resources)) resources.AddRange(own);
    }

    private static void Patch(List<JsonObject> resources, string folder, JsonObject entry)
    {
        if (entry.Select(p => p.Key).FirstOrDefault(k => k is not ("path" or "patch")) is { } unsupported)
            throw new NotSupportedException($"patches: '{unsupported}' is not supported by the tests' renderer (a patch names its target itself)");
        var (text, source) = entry["path"]?.GetValue<string>() is { } path
            ? (File.ReadAllText(Path.Combine(folder, path)), Path.Combine(folder, path))
            : (entry["patch"]?.GetValue<string>() ?? throw new InvalidDataException("a patch with neither path nor patch"), "an inline patch");
        // kustomize mishandles several deletions in one patch file; one patch per file keeps to what it does well.
        var documents = YamlJson.LoadAll(text, source);
        if (documents is not [JsonObject patch]) throw new NotSupportedException($"{source}: a patch must be one document");
        var matches = resources.Where(r => Kind(r) == Kind(patch) && Name(r) == Name(patch)
            && (patch["apiVersion"] is null || r["apiVersion"]?.GetValue<string>() == patch["apiVersion"]!.GetValue<string>())
            && (Metadata(patch)["namespace"] is null || Metadata(r)["namespace"]?.GetValue<string>() == Metadata(patch)["namespace"]!.GetValue<string>())).ToList();
        if (matches is not [var target]) throw new InvalidDataException($"{source}: the patch matches {matches.Count} resources ({Kind(patch)} {Name(patch)}), not one");
        var index = resources.IndexOf(target);
        if (StrategicMerge.Deletes(patch)) resources.RemoveAt(index);
        else resources[index] = StrategicMerge.Apply(target, patch);
    }

    /// <summary>
    /// Renames every resource. kustomize would also rename the references to them; this does not, so it refuses to
    /// rename a kind that others refer to by name.
    /// </summary>
    private static void AddSuffix(List<JsonObject> resources, string suffix, string file)
    {
        foreach (var resource in resources)
        {
            if (Referenced.Contains(Kind(resource)))
                throw new NotSupportedException($"{file}: nameSuffix on a {Kind(resource)} would need its references renamed, which the tests' renderer does not do");
            Metadata(resource)["name"] = Name(resource) + suffix;
        }
    }

    /// <summary>kustomize's images: every container whose image has the given name gets the new name and/or tag.</summary>
    private static void SetImage(List<JsonObject> resources, JsonObject image)
    {
        if (image.Select(p => p.Key).FirstOrDefault(k => k is not ("name" or "newName" or "newTag")) is { } unsupported)
            throw new NotSupportedException($"images: '{unsupported}' is not supported by the tests' renderer");
        var name = image["name"]!.GetValue<string>();
        foreach (var container in resources.SelectMany(Containers))
        {
            var (repository, tag) = ImageReference.Split(container["image"]!.GetValue<string>());
            if (repository != name) continue;
            repository = image["newName"]?.GetValue<string>() ?? repository;
            tag = image["newTag"]?.GetValue<string>() ?? tag;
            container["image"] = tag is null ? repository : $"{repository}:{tag}";
        }
    }

    /// <summary>Every container and init container anywhere in the resource (a pod, a workload's template, a CronJob's).</summary>
    private static IEnumerable<JsonObject> Containers(JsonNode? node) => node switch
    {
        JsonObject map => map.SelectMany(p => p.Key is "containers" or "initContainers" && p.Value is JsonArray list
            ? list.OfType<JsonObject>().Where(c => c["image"] is not null)
            : Containers(p.Value)),
        JsonArray list => list.SelectMany(Containers),
        _ => [],
    };

    private static JsonObject Single(string file) =>
        YamlJson.LoadFile(file) is [JsonObject only] ? only : throw new InvalidDataException($"{file}: expected one YAML document");

    private static IEnumerable<string> Strings(JsonObject map, string field) =>
        map[field]?.AsArray().Select(n => n!.GetValue<string>()) ?? [];

    private static JsonObject Metadata(JsonObject resource) => resource["metadata"]?.AsObject() ?? throw new InvalidDataException($"a {Kind(resource)} without metadata");

    internal static string Kind(JsonObject resource) => resource["kind"]?.GetValue<string>() ?? throw new InvalidDataException("a resource without kind");

    internal static string Name(JsonObject resource) => Metadata(resource)["name"]?.GetValue<string>() ?? throw new InvalidDataException($"a {Kind(resource)} without a name");
}
