using k8s.Models;

namespace EnsembleFarm.Deploy.Tests.Checks;

/// <summary>One container of a workload's pod template, with what it runs: the farm's program its image's Dockerfile publishes, if any.</summary>
/// <param name="Where">Names it in problems: <c>Deployment farm-silo, container silo</c>.</param>
/// <param name="Program">farm-silo or farm (the published project's assembly name); null for an image that is not the farm's.</param>
internal sealed record PodContainer(string Where, string Workload, V1PodSpec Pod, V1Container Container, bool IsInit, Dockerfile? Image, string? Program)
{
    public const string Silo = "farm-silo";

    public const string Farm = "farm";

    public IReadOnlyList<string> Args => [.. Container.Args ?? []];

    /// <summary>Every container of every workload in <paramref name="manifests"/>; an image of the farm's without a Dockerfile is a problem.</summary>
    public static IReadOnlyList<PodContainer> All(Manifests manifests, List<string> problems)
    {
        var all = new List<PodContainer>();
        foreach (var (workload, template) in manifests.PodTemplates())
        {
            var pod = template.Spec;
            foreach (var (container, init) in (pod.InitContainers ?? []).Select(c => (c, true)).Concat(pod.Containers.Select(c => (c, false))))
            {
                var where = $"{workload}, {(init ? "init container" : "container")} {container.Name}";
                Dockerfile? image = null;
                try
                {
                    image = Dockerfile.For(container.Image);
                }
                catch (FileNotFoundException e)
                {
                    problems.Add($"{where}: {e.Message} (deploy/docker/<name>.Dockerfile)");
                }
                var program = image?.PublishedProject is { } project ? Repository.AssemblyNameOf(Repository.PathOf(project)) : null;
                all.Add(new PodContainer(where, workload, pod, container, init, image, program));
            }
        }
        return all;
    }
}
