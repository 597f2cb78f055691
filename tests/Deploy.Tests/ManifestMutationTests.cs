using System.Text.Json.Nodes;
using EnsembleFarm.Deploy.Tests.Checks;
using EnsembleFarm.Deploy.Tests.Kustomize;
using EnsembleFarm.Silo;

namespace EnsembleFarm.Deploy.Tests;

/// <summary>
/// The checks reject a manifest that no longer agrees with the code: each test breaks a copy of a rendered overlay the
/// way a change on either side would, and expects the problem named.
/// </summary>
public sealed class ManifestMutationTests
{
    [Fact]
    public void AVariableThatIsNoSetting_IsRejected() =>
        AssertRejected("overlays/cpu", r => Env(Silo(r), SiloSettings.DrainTimeoutSetting.EnvironmentVariable)["name"] = "EnsembleFarm__Silo__DrainTimout",
            "EnsembleFarm__Silo__DrainTimout is no setting farm-silo reads");

    [Fact]
    public void AValueTheSiloRefuses_IsRejected() =>
        AssertRejected("overlays/cpu", r => Env(Silo(r), SiloSettings.DrainSetting.EnvironmentVariable)["value"] = "wait",
            "farm-silo refuses its settings: --drain");

    [Fact]
    public void ADrainTimeoutTheGracePeriodDoesNotCover_IsRejected() =>
        AssertRejected("overlays/cpu", r => Env(Silo(r), SiloSettings.DrainTimeoutSetting.EnvironmentVariable)["value"] = "100s",
            "terminationGracePeriodSeconds 120 must exceed the drain timeout 100s + 30s");

    [Fact]
    public void AProbeOnAPathTheSiloDoesNotServe_IsRejected() =>
        AssertRejected("overlays/cpu", r => Silo(r)["readinessProbe"]!["httpGet"]!["path"] = "/healthz",
            $"the readiness probe asks /healthz, the silo serves {SiloHost.ReadyPath}");

    [Fact]
    public void AHealthPortTheSiloDoesNotListenOn_IsRejected() =>
        AssertRejected("overlays/cpu", r => Silo(r)["ports"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "http")!["containerPort"] = 8080,
            "the liveness probe asks port http (8080), the silo's health endpoints are on 21113");

    [Fact]
    public void ASiloNotOnThePodsIp_IsRejected() =>
        AssertRejected("overlays/cpu", r => Silo(r)["env"]!.AsArray().Remove(Env(Silo(r), SiloSettings.AddressSetting.EnvironmentVariable)),
            "the silo listens on 127.0.0.1, not the pod's IP");

    [Fact]
    public void ACommandReplacingTheImagesEntrypoint_IsRejected() =>
        AssertRejected("overlays/cpu", r => Silo(r)["command"] = new JsonArray("dotnet", "/app/farm-silo.dll"),
            "replaces the entrypoint of ensemblefarm/silo");

    [Fact]
    public void ASiloWithoutTheInitStep_IsRejected() =>
        AssertRejected("overlays/cpu", r => PodSpec(Deployment(r, "farm-silo")).Remove("initContainers"),
            $"no init container runs farm-silo {SiloHost.InitStoreFlag}");

    [Fact]
    public void AMissingSecretKey_IsRejected() =>
        AssertRejected("overlays/cpu", r => r.Single(o => o["kind"]!.GetValue<string>() == "Secret")["stringData"]!.AsObject().Remove("store"),
            "refers to something the manifests do not hold (Secret farm-store, key store)");

    [Fact]
    public void AnImageWithoutADockerfile_IsRejected() =>
        AssertRejected("overlays/cpu", r => Silo(r)["image"] = "ensemblefarm/silo-arm",
            "no Dockerfile for the image ensemblefarm/silo-arm");

    [Fact]
    public void AGatewayServiceOnAnotherPort_IsRejected() =>
        AssertRejected("overlays/cpu", r => r.Single(o => Kustomization.Name(o) == Manifests.GatewayService)["spec"]!["ports"]![0]!["targetPort"] = 21111,
            "its gateway listens on 21112");

    [Fact]
    public void CpuSilosThatWouldTakeANodesGpus_AreRejected() =>
        AssertRejected("overlays/cpu", r => Env(Silo(r), SiloSettings.GpusSetting.EnvironmentVariable)["value"] = "auto",
            "EnsembleFarm__Silo__Gpus=auto on a pod given no nvidia.com/gpu; set it to none");

    [Fact]
    public void GpuIdsDisagreeingWithTheLimit_AreRejected() =>
        AssertRejected("overlays/gpu", r => Env(Silo(r, "farm-silo-gpu"), SiloSettings.GpusSetting.EnvironmentVariable)["value"] = "0,1",
            "is given 1 nvidia.com/gpu but EnsembleFarm__Silo__Gpus=0,1 lists 2");

    [Fact]
    public void GpuSilosWithoutTheirGpuLimit_AreRejected() =>
        AssertRejected("overlays/gpu", r => Silo(r, "farm-silo-gpu")["resources"]!["limits"]!.AsObject().Remove(ManifestChecks.GpuResource),
            "EnsembleFarm__Silo__Gpus=auto on a pod given no nvidia.com/gpu");

    [Fact]
    public void MoreTrialsPerGpuThanCpuSlots_AreRejected() =>
        AssertRejected("overlays/gpu", r => Env(Silo(r, "farm-silo-gpu"), SiloSettings.TrialsPerGpuSetting.EnvironmentVariable)["value"] = "8",
            "1 GPU(s) × 8 trials per GPU need 8 CPU slots, the silo has 4");

    [Fact]
    public void GpuSilosNotToleratingTheGpuTaint_AreRejected() =>
        AssertRejected("overlays/gpu", r => PodSpec(Deployment(r, "farm-silo-gpu")).Remove("tolerations"),
            "without tolerating the nvidia.com/gpu taint");

    [Fact]
    public void GpuSilosOnTheCpuImage_AreRejected() =>
        AssertRejected("overlays/gpu", r => Silo(r, "farm-silo-gpu")["image"] = "ensemblefarm/silo",
            "runs ensemblefarm/silo, built on mcr.microsoft.com/dotnet/aspnet:10.0, not a CUDA image");

    [Fact]
    public void AFarmCommandTheCliDoesNotParse_IsRejected() =>
        AssertRejected("overlays/cpu", r => Campaign(r)["args"] = new JsonArray("run", "--follow", "/farm/examples/ensemble.yaml"),
            "farm run --follow /farm/examples/ensemble.yaml: ");

    [Fact]
    public void ACampaignSpecNotInTheImage_IsRejected() =>
        AssertRejected("overlays/cpu", r => Campaign(r)["args"] = new JsonArray("run", "/farm/examples/gpu-ensemble.yaml"),
            "the spec /farm/examples/gpu-ensemble.yaml is not in the image ensemblefarm/farm");

    [Fact]
    public void AVariableTheFarmCommandDoesNotRead_IsRejected() =>
        AssertRejected("overlays/cpu", r => Env(Campaign(r), "ENSEMBLEFARM_CLUSTER_ID")["name"] = "FARM_CLUSTER_ID",
            "FARM_CLUSTER_ID is not a variable the farm command reads");

    private static void AssertRejected(string overlay, Action<List<JsonObject>> breakIt, string expected)
    {
        var resources = Manifests.RenderJsonWithCampaign(overlay);
        Assert.Empty(ManifestChecks.All(Manifests.Load(resources)));

        breakIt(resources);

        var problems = ManifestChecks.All(Manifests.Load(resources));
        Assert.True(problems.Any(p => p.Contains(expected, StringComparison.Ordinal)),
            $"expected a problem with '{expected}', got:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
    }

    private static JsonObject Deployment(List<JsonObject> resources, string name) =>
        resources.Single(r => Kustomization.Kind(r) == "Deployment" && Kustomization.Name(r) == name);

    private static JsonObject PodSpec(JsonObject workload) => workload["spec"]!["template"]!["spec"]!.AsObject();

    private static JsonObject Silo(List<JsonObject> resources, string deployment = "farm-silo") =>
        PodSpec(Deployment(resources, deployment))["containers"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "silo")!.AsObject();

    private static JsonObject Campaign(List<JsonObject> resources) =>
        PodSpec(resources.Single(r => Kustomization.Kind(r) == "Job"))["containers"]![0]!.AsObject();

    private static JsonObject Env(JsonObject container, string name) =>
        container["env"]!.AsArray().Single(e => e!["name"]!.GetValue<string>() == name)!.AsObject();
}
