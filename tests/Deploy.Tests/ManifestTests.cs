using EnsembleFarm.Deploy.Tests.Checks;
using EnsembleFarm.Deploy.Tests.Kustomize;
using EnsembleFarm.Silo;
using EnsembleFarm.TestKit;
using k8s;
using k8s.Models;

namespace EnsembleFarm.Deploy.Tests;

/// <summary>Every overlay, rendered and loaded with KubernetesClient's typed models, agrees with the code it runs (ManifestChecks).</summary>
public sealed class ManifestTests
{
    public static TheoryData<string> Overlays => new(Manifests.Overlays);

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_WithTheCampaignJob_AgreesWithTheCode(string overlay)
    {
        var manifests = Manifests.RenderWithCampaign(overlay);

        Assert.Empty(ManifestChecks.All(manifests));
        Assert.Contains(manifests.OfType<V1Job>(), j => j.Metadata.Name == "farm-example-campaign");
        Assert.All(manifests.Objects.Cast<IKubernetesObject<V1ObjectMeta>>().Where(o => o is not V1Namespace),
            o => Assert.Equal("ensemblefarm", o.Metadata.NamespaceProperty));
    }

    [Fact]
    public void CpuOverlay_HasPostgresWithAVolumeAndItsPasswordFromTheSecret_AndNoGpus()
    {
        var manifests = Manifests.Render("overlays/cpu");

        var postgres = Assert.Single(manifests.OfType<V1StatefulSet>());
        Assert.Equal("data", Assert.Single(postgres.Spec.VolumeClaimTemplates).Metadata.Name);
        var password = Assert.Single(postgres.Spec.Template.Spec.Containers[0].Env, e => e.Name == "POSTGRES_PASSWORD");
        Assert.Equal("farm-store", password.ValueFrom.SecretKeyRef.Name);
        Assert.Contains($"Password={manifests.SecretValue("farm-store", "postgres-password")};", manifests.SecretValue("farm-store", "store"));
        Assert.DoesNotContain(manifests.OfType<V1Deployment>(), d => d.Spec.Template.Spec.Containers.Any(c => c.Resources?.Limits?.ContainsKey(ManifestChecks.GpuResource) == true));
    }

    [Fact]
    public void GpuOverlay_AddsGpuSilosThatOfferTheirGpus_AndMayRunThePyTorchTrainer()
    {
        var manifests = Manifests.Render("overlays/gpu");
        var problems = new List<string>();

        var silos = ManifestChecks.Silos(manifests, PodContainer.All(manifests, problems), problems).Where(s => !s.Container.IsInit).ToList();

        Assert.Empty(problems);
        var gpu = Assert.Single(silos, s => s.Container.Container.Resources.Limits.ContainsKey(ManifestChecks.GpuResource));
        Assert.Equal("Deployment farm-silo-gpu", gpu.Container.Workload);
        Assert.Equal(GpuSelection.Auto, gpu.Settings.Gpus);
        Assert.StartsWith("/usr/bin/python3 /opt/ensemblefarm/trainers/pytorch_trainer.py", gpu.Settings.Commands!["pytorch"]);
        Assert.Equal(GpuSelection.None, Assert.Single(silos, s => s.Container.Workload == "Deployment farm-silo").Settings.Gpus);
    }

    /// <summary>The command a GPU silo may run is the script its image copies from examples/trainers.</summary>
    [Fact]
    public void GpuSilosTrainerCommand_RunsAScriptItsImageCopiesFromTheRepository()
    {
        var manifests = Manifests.Render("overlays/gpu");
        var problems = new List<string>();
        var gpu = ManifestChecks.Silos(manifests, PodContainer.All(manifests, problems), problems).Single(s => s.Settings.Commands is not null);

        var script = gpu.Settings.Commands!["pytorch"].Split(' ')[1];
        var source = gpu.Container.Image!.RepositoryPathOf(script);

        Assert.Equal(Repository.PathOf("examples", "trainers", "pytorch_trainer.py"), source);
        if (!File.Exists(source)) Assert.Skip($"{source} is the command-trainer work's, not in this branch yet: the GPU image cannot be built until it lands");
    }

    [Fact]
    public void ExternalPostgresComponent_RemovesTheInClusterDatabase_AndTheSilosUseTheExternalOne()
    {
        using var overlay = new TempFolder("farm-overlay-");
        File.WriteAllText(overlay["kustomization.yaml"], $"""
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources: ["{Path.Combine(Repository.K8s, "overlays", "cpu")}"]
            components: ["{Path.Combine(Repository.K8s, Manifests.ExternalPostgres)}"]
            """);

        var manifests = Manifests.Load([.. Kustomization.Build(overlay.Path), .. Kustomization.Build(Path.Combine(Repository.K8s, Manifests.Campaign))]);

        Assert.Empty(ManifestChecks.All(manifests));
        Assert.Empty(manifests.OfType<V1StatefulSet>());
        Assert.DoesNotContain(manifests.OfType<V1Service>(), s => s.Metadata.Name == "farm-postgres");
        Assert.Null(manifests.SecretValue("farm-store", "postgres-password"));
        Assert.StartsWith("Host=db.example.org;", manifests.SecretValue("farm-store", "store"));
    }
}
