using System.Text.Json.Nodes;

namespace EnsembleFarm.Deploy.Tests.Kustomize;

/// <summary>
/// Kubernetes' strategic merge patch, for what the manifests patch: maps merge key by key and a <c>null</c> removes a
/// key; lists of containers, environment variables, volumes, volume mounts, ports and image pull secrets merge item by
/// item on their merge key (the patch's items first, in its order, then the others, as kustomize writes them); any
/// other list is replaced whole. Other directives (<c>$patch</c> inside a resource, <c>$setElementOrder</c>,
/// <c>$retainKeys</c>) are refused rather than misread.
/// </summary>
internal static class StrategicMerge
{
    /// <summary>The lists that merge item by item, by field name, and the key their items merge on.</summary>
    private static readonly Dictionary<string, string> MergeKeys = new()
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["env"] = "name",
        ["volumes"] = "name",
        ["volumeMounts"] = "mountPath",
        ["imagePullSecrets"] = "name",
        // a container's ports merge on containerPort, a Service's on port
        ["ports"] = "containerPort|port",
    };

    /// <summary>Whether <paramref name="patch"/> deletes the resource it names (<c>$patch: delete</c> at its top).</summary>
    public static bool Deletes(JsonObject patch) => patch["$patch"]?.GetValue<string>() == "delete";

    /// <summary>A new tree: <paramref name="target"/> with <paramref name="patch"/> applied.</summary>
    public static JsonObject Apply(JsonObject target, JsonObject patch) => (JsonObject)Merge(target.DeepClone(), patch, field: "")!;

    private static JsonNode? Merge(JsonNode? target, JsonNode? patch, string field)
    {
        switch (target, patch)
        {
            case (JsonObject map, JsonObject changes):
                foreach (var (key, value) in changes)
                {
                    if (key.StartsWith('$')) throw new NotSupportedException($"the patch directive {key} (under '{field}') is not supported");
                    if (value is null) map.Remove(key);
                    else map[key] = map.TryGetPropertyValue(key, out var old) ? Merge(old?.DeepClone(), value, key) : value.DeepClone();
                }
                return map;
            case (JsonArray list, JsonArray changes) when MergeKeys.TryGetValue(field, out var keys):
                return MergeList(list, changes, keys.Split('|').FirstOrDefault(k => list.Concat(changes).Any(i => i?[k] is not null)) ?? keys, field);
            default:
                return patch?.DeepClone();
        }
    }

    private static JsonArray MergeList(JsonArray list, JsonArray changes, string key, string field)
    {
        string KeyOf(JsonNode? item) =>
            item?[key]?.ToJsonString() ?? throw new NotSupportedException($"an item of '{field}' has no '{key}' to merge on");
        var merged = new JsonArray();
        var patched = new HashSet<string>();
        foreach (var change in changes)
        {
            var id = KeyOf(change);
            patched.Add(id);
            var old = list.FirstOrDefault(i => KeyOf(i) == id);
            merged.Add(old is null ? change!.DeepClone() : Merge(old.DeepClone(), change, field + "[]"));
        }
        foreach (var item in list.Where(i => !patched.Contains(KeyOf(i)))) merged.Add(item!.DeepClone());
        return merged;
    }
}
