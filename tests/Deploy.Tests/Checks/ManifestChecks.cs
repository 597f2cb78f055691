using EnsembleFarm.Client;
using EnsembleFarm.Client.Connection;
using EnsembleFarm.Silo;
using EnsembleFarm.Store;
using k8s.Models;

namespace EnsembleFarm.Deploy.Tests.Checks;

/// <summary>
/// The checks that tie deploy/k8s to the code it runs. Each returns its problems, one line each naming the workload and
/// container, and none when the manifests agree with the code: the tests run them on the rendered overlays (no
/// problem) and on broken copies (the problem named), so a change of the code that breaks a manifest fails a test.
/// </summary>
internal static class ManifestChecks
{
    /// <summary>The GPU resource NVIDIA's device plugin offers.</summary>
    public const string GpuResource = "nvidia.com/gpu";

    /// <summary>The default grace period, when a pod sets none.</summary>
    private const long KubernetesDefaultGrace = 30;

    /// <summary>A farm-silo container, main or init, and the settings it would run with.</summary>
    public sealed record SiloContainer(PodContainer Container, SiloSettings Settings);

    public static IReadOnlyList<string> All(Manifests manifests)
    {
        var problems = new List<string>();
        var containers = PodContainer.All(manifests, problems);
        var silos = Silos(manifests, containers, problems);
        problems.AddRange(Commands(containers));
        problems.AddRange(Stores(silos));
        problems.AddRange(Probes(silos));
        problems.AddRange(GracePeriods(silos));
        problems.AddRange(Gpus(silos));
        problems.AddRange(GatewayService(manifests, silos));
        problems.AddRange(FarmCommands(manifests, containers));
        problems.AddRange(Volumes(manifests));
        return problems;
    }

    /// <summary>The farm-silo containers and their settings, as the silo reads them: every variable a setting, every value one it accepts.</summary>
    public static IReadOnlyList<SiloContainer> Silos(Manifests manifests, IReadOnlyList<PodContainer> containers, List<string> problems)
    {
        var silos = new List<SiloContainer>();
        foreach (var container in containers)
        {
            var environment = PodEnvironment.Of(manifests, container, problems);
            if (container.Program != PodContainer.Silo) continue;
            var (settings, settingProblems) = SiloEnvironment.Read(container.Where, environment, container.Args);
            problems.AddRange(settingProblems);
            if (settings is not null) silos.Add(new SiloContainer(container, settings));
        }
        return silos;
    }

    /// <summary>The image's entrypoint is the program (it receives the pod's signals): a container must not replace it.</summary>
    private static IEnumerable<string> Commands(IEnumerable<PodContainer> containers) =>
        containers.Where(c => c.Image is not null && c.Container.Command is { Count: > 0 })
            .Select(c => $"{c.Where}: command [{string.Join(", ", c.Container.Command)}] replaces the entrypoint of {c.Image!.Image} ({string.Join(" ", c.Image.Entrypoint)}); give args only");

    /// <summary>The init step prepares the very store its silo uses.</summary>
    private static IEnumerable<string> Stores(IReadOnlyList<SiloContainer> silos)
    {
        foreach (var pod in silos.GroupBy(s => s.Container.Workload))
        {
            var main = pod.Where(s => !s.Container.IsInit).ToList();
            var init = pod.Where(s => s.Container.IsInit).ToList();
            if (main.Count > 0 && !init.Any(s => s.Container.Args.Contains(SiloHost.InitStoreFlag)))
                yield return $"{pod.Key}: no init container runs farm-silo {SiloHost.InitStoreFlag}, so the schema is not applied before the silos start";
            foreach (var step in init.Where(i => main.Any(m => m.Settings.Store != i.Settings.Store)))
                yield return $"{step.Container.Where}: prepares the store '{step.Settings.Store}', not its silo's";
        }
    }

    /// <summary>Probes ask the silo's own health paths on its health port; its ports are the ones it listens on, at the pod's IP.</summary>
    private static IEnumerable<string> Probes(IReadOnlyList<SiloContainer> silos)
    {
        foreach (var (container, settings) in silos.Where(s => !s.Container.IsInit))
        {
            var c = container.Container;
            // The kubelet probes the pod's IP and other silos dial the address a silo advertises: it must be that IP.
            if (!settings.Address.Equals(System.Net.IPAddress.Parse(PodEnvironment.SamplePodIp)))
                yield return $"{container.Where}: the silo listens on {settings.Address}, not the pod's IP (set {SiloSettings.AddressSetting.EnvironmentVariable} from status.podIP)";
            foreach (var (kind, probe, path) in new[] { ("liveness", c.LivenessProbe, SiloHost.LivePath), ("readiness", c.ReadinessProbe, SiloHost.ReadyPath), ("startup", c.StartupProbe, SiloHost.LivePath) })
            {
                if (probe is null)
                {
                    if (kind != "startup") yield return $"{container.Where}: no {kind} probe";
                    continue;
                }
                if (probe.HttpGet is not { } get)
                {
                    yield return $"{container.Where}: the {kind} probe is not an HTTP GET of {path}";
                    continue;
                }
                if (get.Path != path) yield return $"{container.Where}: the {kind} probe asks {get.Path}, the silo serves {path}";
                if (Port(c, get.Port) is var port && port != settings.HttpPort)
                    yield return $"{container.Where}: the {kind} probe asks port {get.Port?.Value} ({port?.ToString() ?? "no such port"}), the silo's health endpoints are on {settings.HttpPort}";
            }
            var declared = (c.Ports ?? []).Select(p => p.ContainerPort).Order().ToList();
            var listens = new[] { settings.SiloPort, settings.GatewayPort, settings.HttpPort }.Order().ToList();
            if (!declared.SequenceEqual(listens))
                yield return $"{container.Where}: declares ports {string.Join(", ", declared)}, the silo listens on {string.Join(", ", listens)}";
        }
    }

    /// <summary>Kubernetes must not kill a draining silo: the grace period exceeds the drain timeout and what the silo allows itself after it.</summary>
    private static IEnumerable<string> GracePeriods(IReadOnlyList<SiloContainer> silos)
    {
        foreach (var (container, settings) in silos.Where(s => !s.Container.IsInit))
        {
            var grace = container.Pod.TerminationGracePeriodSeconds ?? KubernetesDefaultGrace;
            var needed = settings.DrainTimeout + SiloHost.AfterDrain;
            if (grace <= needed.TotalSeconds)
                yield return $"{container.Where}: terminationGracePeriodSeconds {grace} must exceed the drain timeout {settings.DrainTimeout.TotalSeconds:0}s + {SiloHost.AfterDrain.TotalSeconds:0}s, or the silo is killed mid-drain";
        }
    }

    /// <summary>
    /// A silo offers exactly the GPUs its pod was given, on nodes that have them; a silo given none offers none (a CUDA
    /// image on a GPU node can see every GPU of the node, among them other pods').
    /// </summary>
    private static IEnumerable<string> Gpus(IReadOnlyList<SiloContainer> silos)
    {
        foreach (var (container, settings) in silos.Where(s => !s.Container.IsInit))
        {
            var limits = container.Container.Resources?.Limits;
            var given = limits is not null && limits.TryGetValue(GpuResource, out var quantity) ? (int)quantity.ToDecimal() : 0;
            var setting = $"{SiloSettings.GpusSetting.EnvironmentVariable}={settings.Gpus}";
            if (given == 0)
            {
                if (settings.Gpus != GpuSelection.None) yield return $"{container.Where}: {setting} on a pod given no {GpuResource}; set it to none";
                continue;
            }
            if (settings.Gpus == GpuSelection.None) yield return $"{container.Where}: is given {given} {GpuResource} but {setting} offers none";
            else if (settings.Gpus.Ids is { } ids && ids.Count != given) yield return $"{container.Where}: is given {given} {GpuResource} but {setting} lists {ids.Count}";
            // Each GPU trial holds a CPU slot too (its data loading and the trainer's process).
            if (settings.Slots < given * settings.TrialsPerGpu)
                yield return $"{container.Where}: {given} GPU(s) × {settings.TrialsPerGpu} trials per GPU need {given * settings.TrialsPerGpu} CPU slots, the silo has {settings.Slots}";
            if (container.Pod.NodeSelector?.Keys.Any(k => k.StartsWith("nvidia.com/", StringComparison.Ordinal)) != true && container.Pod.Affinity?.NodeAffinity is null)
                yield return $"{container.Where}: asks for GPUs without a node selector (or node affinity) for GPU nodes";
            if (container.Pod.Tolerations?.Any(t => t.Key == GpuResource) != true)
                yield return $"{container.Where}: asks for GPUs without tolerating the {GpuResource} taint of GPU nodes";
            if (container.Image is { } image && !image.FinalBase.StartsWith("nvidia/cuda:", StringComparison.Ordinal))
                yield return $"{container.Where}: asks for GPUs but runs {image.Image}, built on {image.FinalBase}, not a CUDA image";
        }
    }

    /// <summary>The gateway Service reaches every silo it selects on the port that silo's gateway listens on.</summary>
    private static IEnumerable<string> GatewayService(Manifests manifests, IReadOnlyList<SiloContainer> silos)
    {
        var service = manifests.OfType<V1Service>().FirstOrDefault(s => s.Metadata.Name == Manifests.GatewayService);
        if (service is null)
        {
            yield return $"no Service {Manifests.GatewayService} for the farm's clients";
            yield break;
        }
        var selected = silos.Where(s => !s.Container.IsInit && manifests.Labels(s.Container.Workload) is { } labels
            && service.Spec.Selector.All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
        if (selected.Count == 0) yield return $"Service {Manifests.GatewayService} selects no silo";
        foreach (var port in service.Spec.Ports)
        {
            foreach (var (container, settings) in selected)
            {
                if (Port(container.Container, port.TargetPort ?? port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)) is var target && target != settings.GatewayPort)
                    yield return $"Service {Manifests.GatewayService} port {port.Port} reaches {container.Where} on {target?.ToString() ?? "no port"}, its gateway listens on {settings.GatewayPort}";
            }
        }
    }

    /// <summary>A farm container's arguments parse with the farm CLI's own parser, its variables are the ones the CLI reads, its spec is in its image.</summary>
    private static IEnumerable<string> FarmCommands(Manifests manifests, IReadOnlyList<PodContainer> containers)
    {
        string[] variables = [ConnectionOptions.GatewayVariable, ConnectionOptions.ClusterVariable, ConnectionOptions.ClusterIdVariable, FarmPaths.StoreVariable];
        var cli = new FarmCli(new CliEnvironment(TextWriter.Null, TextWriter.Null, Interactive: false),
            (_, _, _) => throw new InvalidOperationException("the checks parse, they never connect"));
        foreach (var container in containers.Where(c => c.Program == PodContainer.Farm))
        {
            var parse = cli.CreateRootCommand().Parse([.. container.Args]);
            foreach (var error in parse.Errors) yield return $"{container.Where}: farm {string.Join(" ", container.Args)}: {error.Message}";
            foreach (var variable in (container.Container.Env ?? []).Select(e => e.Name).Where(n => !variables.Contains(n)))
                yield return $"{container.Where}: {variable} is not a variable the farm command reads ({string.Join(", ", variables)})";
            if (container.Args is ["run" or "submit", var spec, ..] && !spec.StartsWith('-') && container.Image?.RepositoryPathOf(spec) is var source
                && (source is null || !File.Exists(source)))
                yield return $"{container.Where}: the spec {spec} is not in the image {container.Image?.Image} (no COPY puts a repository file there)";
        }
    }

    /// <summary>Every claim a pod mounts exists (or is its StatefulSet's own template).</summary>
    private static IEnumerable<string> Volumes(Manifests manifests)
    {
        var claims = manifests.OfType<V1PersistentVolumeClaim>().Select(c => c.Metadata.Name).ToHashSet();
        foreach (var (workload, template) in manifests.PodTemplates())
        {
            foreach (var volume in template.Spec.Volumes ?? [])
            {
                if (volume.PersistentVolumeClaim is { } claim && !claims.Contains(claim.ClaimName))
                    yield return $"{workload}: volume {volume.Name} mounts the claim {claim.ClaimName}, which the manifests do not create";
            }
        }
    }

    /// <summary>A container port by number or by name, as a probe or a Service names it; null when the container has no such port.</summary>
    private static int? Port(V1Container container, IntOrString? port) =>
        port?.Value is not { } value ? null
        : int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number
        : container.Ports?.FirstOrDefault(p => p.Name == value)?.ContainerPort;
}
