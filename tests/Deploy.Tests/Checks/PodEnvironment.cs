using k8s.Models;

namespace EnsembleFarm.Deploy.Tests.Checks;

/// <summary>
/// The environment Kubernetes gives a container: literal values, Secrets' keys, the downward API (a pod's name and IP
/// as the samples below), resource fields. A reference that would not resolve (a missing Secret or key, a field the
/// downward API has no value for) is a problem: the pod would not start.
/// </summary>
internal static class PodEnvironment
{
    public const string SamplePodName = "farm-silo-5d8f7c9b4-x2x7q";

    public const string SamplePodIp = "10.244.1.17";

    public const string SampleNamespace = "ensemblefarm";

    public static IReadOnlyDictionary<string, string> Of(Manifests manifests, PodContainer container, List<string> problems)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (container.Container.EnvFrom is { Count: > 0 }) problems.Add($"{container.Where}: envFrom cannot be checked against the settings; set each variable with env");
        foreach (var variable in container.Container.Env ?? [])
        {
            if (environment.ContainsKey(variable.Name)) problems.Add($"{container.Where}: {variable.Name} is set twice");
            var value = variable switch
            {
                { ValueFrom: null } => variable.Value ?? "",
                { ValueFrom.SecretKeyRef: { } secret } => manifests.SecretValue(secret.Name, secret.Key),
                { ValueFrom.FieldRef.FieldPath: "metadata.name" } => SamplePodName,
                { ValueFrom.FieldRef.FieldPath: "metadata.namespace" } => SampleNamespace,
                { ValueFrom.FieldRef.FieldPath: "status.podIP" } => SamplePodIp,
                { ValueFrom.ResourceFieldRef: { } field } => Resource(container, field),
                _ => null,
            };
            if (value is null) problems.Add($"{container.Where}: {variable.Name} refers to something the manifests do not hold ({Describe(variable.ValueFrom)})");
            else environment[variable.Name] = value;
        }
        return environment;
    }

    /// <summary>A container's resource field as the downward API gives it: the quantity over the divisor, rounded up.</summary>
    private static string? Resource(PodContainer container, V1ResourceFieldSelector field)
    {
        var target = container.Pod.Containers.Concat(container.Pod.InitContainers ?? []).FirstOrDefault(c => c.Name == (field.ContainerName ?? container.Container.Name));
        var (kind, resource) = field.Resource.Split('.', 2) switch { [var k, var r] => (k, r), _ => ("", field.Resource) };
        var quantities = kind switch { "requests" => target?.Resources?.Requests, "limits" => target?.Resources?.Limits, _ => null };
        if (quantities is null || !quantities.TryGetValue(resource, out var quantity)) return null;
        var divisor = field.Divisor?.ToDecimal() ?? 1m;
        return decimal.Ceiling(quantity.ToDecimal() / divisor).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Describe(V1EnvVarSource? source) => source switch
    {
        { SecretKeyRef: { } s } => $"Secret {s.Name}, key {s.Key}",
        { FieldRef: { } f } => $"field {f.FieldPath}",
        { ResourceFieldRef: { } r } => $"{r.Resource} of container {r.ContainerName}",
        { ConfigMapKeyRef: { } c } => $"ConfigMap {c.Name}, key {c.Key}",
        _ => "an unknown source",
    };
}
