using System.Collections.Concurrent;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Grains.Tests;

/// <summary>
/// Trials that ask for GPUs run only on silos with a free GPU, each on its own device (CUDA_VISIBLE_DEVICES), which the
/// store records; a trial no silo could ever hold is refused at submit; one that waits for a GPU says so. The silos
/// offer listed device ids, which needs no hardware: the scripted trainer does not touch them.
/// </summary>
public sealed class GpuPlacementTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 240_000)]
    public async Task GpuTrials_RunOnlyOnTheSiloWithGpus_EachOnAGpuOfItsOwn_AndTheStoreKeepsWhichOne()
    {
        await using var farm = await InProcessFarm.StartAsync(silos: 2, slotsPerSilo: 4, gpus: [[0, 1], []]);
        var devices = new ConcurrentQueue<(string Silo, string Devices)>();
        var holding = new ConcurrentDictionary<string, int>();
        var overlap = 0;
        farm.Trainer.Behaviour = async (trial, ct) =>
        {
            devices.Enqueue((trial.Lease.SiloId, trial.CudaVisibleDevices));
            if (trial.CudaVisibleDevices.Length > 0 && holding.AddOrUpdate(trial.CudaVisibleDevices, 1, (_, n) => n + 1) > 1) Interlocked.Increment(ref overlap);
            await Task.Delay(80, ct);
            if (trial.CudaVisibleDevices.Length > 0) holding.AddOrUpdate(trial.CudaVisibleDevices, 0, (_, n) => n - 1);
        };
        SmallCampaign.WriteDataset(farm.Folder);

        var gpuCampaign = await farm.SubmitAsync(SmallCampaign.SpecYaml(8, name: "gpu", gpus: 1), "gpu.yaml");
        var cpuCampaign = await farm.SubmitAsync(SmallCampaign.SpecYaml(4, name: "cpu"), "cpu.yaml");
        Assert.Equal(CampaignState.Completed, (await farm.WaitForEndAsync(gpuCampaign)).State);
        Assert.Equal(CampaignState.Completed, (await farm.WaitForEndAsync(cpuCampaign)).State);

        // The silo that was given the GPUs, as it reports itself (silos start, and take their options, in no set order).
        var gpuSilo = Assert.Single(await farm.Farm.ListSilosAsync(), s => s.Gpus is [0, 1]).SiloId;
        var gpuTrials = await farm.Store.GetTrialsAsync(gpuCampaign, Ct);
        Assert.All(gpuTrials, t => Assert.Equal((TrialState.Completed, gpuSilo, 1), (t.State, t.Owner, t.Gpus)));
        Assert.Equal(0, overlap);
        var ran = devices.Where(d => d.Devices.Length > 0).ToList();
        Assert.Equal(8, ran.Count);
        Assert.All(ran, d => Assert.Equal(gpuSilo, d.Silo));
        Assert.Equal(["0", "1"], ran.Select(d => d.Devices).Distinct().Order());
        // CPU trials see no GPU, on either silo.
        Assert.Equal(4, devices.Count(d => d.Devices.Length == 0));
        foreach (var trial in gpuTrials)
        {
            var attempt = Assert.Single(await farm.Store.GetAttemptsAsync(trial.Id, Ct));
            Assert.Equal(gpuSilo, attempt.SiloId);
            Assert.Contains(attempt.GpuDevices, (string[])["0", "1"]);
        }
        Assert.All(await farm.Store.GetTrialsAsync(cpuCampaign, Ct), t => Assert.Equal(0, t.Gpus));
    }

    [Fact(Timeout = 240_000)]
    public async Task AGpuTrial_InAClusterWithoutGpus_IsRefusedAtSubmit_WithTheReason()
    {
        await using var farm = await InProcessFarm.StartAsync(silos: 2, slotsPerSilo: 2);
        var dispatcher = farm.Cluster.Client.GetGrain<IDispatcherGrain>(0);
        await Eventually.TrueAsync(async () => (await dispatcher.GetCapacityAsync()) is { Silos: 2, Unreported: 0 }, Patience, "both silos to report");
        SmallCampaign.WriteDataset(farm.Folder);

        var result = await farm.Farm.SubmitAsync(new SubmitRequest(SmallCampaign.SpecYaml(4, gpus: 1), farm.Folder, "gpu.yaml", false));

        Assert.Equal(SubmitOutcome.CannotRun, result.Outcome);
        Assert.Equal(
            "gpu.yaml: resources.gpus: a trial needs 1 GPU and no live silo has a GPU, so no silo of this cluster could ever run it; " +
            "lower resources.gpus or add silos with GPUs (docs/silo.md, GPUs)",
            Assert.Single(result.Problems));
        Assert.Empty(await farm.Store.ListCampaignsAsync(Ct));
    }

    [Fact(Timeout = 240_000)]
    public async Task AGpuTrialWaitingForABusyGpu_SaysWhyInItsStatus()
    {
        await using var farm = await InProcessFarm.StartAsync(silos: 2, slotsPerSilo: 2, gpus: [[0], [3]]);
        var release = new TaskCompletionSource();
        farm.Trainer.Behaviour = (_, ct) => release.Task.WaitAsync(ct);
        SmallCampaign.WriteDataset(farm.Folder);

        var id = await farm.SubmitAsync(SmallCampaign.SpecYaml(3, gpus: 1), "gpu.yaml");
        await Eventually.TrueAsync(() => farm.Trainer.Started.Count == 2, Patience, "both GPUs to be busy");

        var status = await Eventually.ValueAsync(async () => await farm.Farm.GetStatusAsync(id) is { Waiting: not null } s ? s : null,
            Patience, "the status to say why the third trial waits");
        Assert.Equal("needs 1 GPU, no silo has a free GPU (2 GPUs in the cluster, both busy)", status.Waiting);
        Assert.Equal(1, status.Progress.Queued);

        release.SetResult();
        Assert.Equal(CampaignState.Completed, (await farm.WaitForEndAsync(id)).State);
        Assert.Null((await farm.Farm.GetStatusAsync(id))!.Waiting);
    }
}
