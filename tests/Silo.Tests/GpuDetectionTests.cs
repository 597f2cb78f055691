using EnsembleFarm.Silo;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Silo.Tests;

/// <summary>
/// --gpus: listed ids as given, none, or what nvidia-smi lists (a script of the test's own stands in for it; the real
/// one is asked where the machine has it).
/// </summary>
/// <remarks>The stand-in is a shell script: the farm's silos run on Linux.</remarks>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class GpuDetectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Parse_ReadsIndexNameAndMemory_OfEachLine()
    {
        var gpus = GpuDetection.Parse("0, NVIDIA H200, 143771 MiB\n1, NVIDIA GeForce RTX 4090, Founders, 24564 MiB\n\n");

        Assert.Equal([new GpuInfo(0, "NVIDIA H200", 143771), new GpuInfo(1, "NVIDIA GeForce RTX 4090, Founders", 24564)], gpus);
    }

    [Theory]
    [InlineData("index, name, memory.total [MiB]")]
    [InlineData("0, NVIDIA H200")]
    [InlineData("0, NVIDIA H200, [N/A]")]
    public void Parse_RefusesWhatIsNotAGpuLine(string line) =>
        Assert.Contains(line, Assert.Throws<FormatException>(() => GpuDetection.Parse(line)).Message);

    [Fact]
    public async Task Auto_OffersTheGpusNvidiaSmiLists()
    {
        using var folder = new TempFolder();
        var smi = FakeNvidiaSmi(folder, "echo '0, NVIDIA H200, 143771 MiB'; echo '1, NVIDIA H200, 143771 MiB'");

        var (ids, description) = await GpuDetection.DetectAsync(GpuSelection.Auto, smi, Ct);

        Assert.Equal([0, 1], ids);
        Assert.Equal($"GPUs: 0 NVIDIA H200 143771 MiB; 1 NVIDIA H200 143771 MiB (found by {smi})", description);
    }

    [Fact]
    public async Task Auto_AsksNvidiaSmiForIndexNameAndMemoryAsCsv()
    {
        using var folder = new TempFolder();
        var smi = FakeNvidiaSmi(folder, $"echo \"$@\" > {folder["args"]}");

        await GpuDetection.DetectAsync(GpuSelection.Auto, smi, Ct);

        Assert.Equal("--query-gpu=index,name,memory.total --format=csv,noheader", File.ReadAllText(folder["args"]).Trim());
    }

    [Fact]
    public async Task Auto_OffersNone_WithTheReason_WhenNvidiaSmiIsMissingOrFails()
    {
        using var folder = new TempFolder();
        var failing = FakeNvidiaSmi(folder, "echo \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\" >&2; exit 9");

        Assert.Equal(([], "GPUs: none, no /nonexistent/nvidia-smi on this machine"),
            await GpuDetection.DetectAsync(GpuSelection.Auto, "/nonexistent/nvidia-smi", Ct));
        var (ids, description) = await GpuDetection.DetectAsync(GpuSelection.Auto, failing, Ct);
        Assert.Empty(ids);
        Assert.Equal($"GPUs: none, {failing} failed (exit code 9): NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.", description);
    }

    [Fact]
    public async Task ListedIdsAndNone_AreTakenAsGiven_WithoutAskingNvidiaSmi()
    {
        Assert.Equal([3, 1], (await GpuDetection.DetectAsync(GpuSelection.Of(3, 1), "/nonexistent/nvidia-smi", Ct)).Ids);
        Assert.Equal(([], "GPUs: none (--gpus none)"), await GpuDetection.DetectAsync(GpuSelection.None, "/nonexistent/nvidia-smi", Ct));
    }

    [Fact]
    public async Task OnAMachineWithNvidiaGpus_AutoFindsThem()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, GpuDetection.NvidiaSmi)).FirstOrDefault(File.Exists);
        if (onPath is null) Assert.Skip("no nvidia-smi on PATH: this machine has no NVIDIA GPU (or driver) to find");

        var (ids, description) = await GpuDetection.DetectAsync(GpuSelection.Auto, GpuDetection.NvidiaSmi, Ct);

        Assert.NotEmpty(ids);
        Assert.StartsWith("GPUs: 0 ", description);
    }

    private static string FakeNvidiaSmi(TempFolder folder, string body)
    {
        var path = folder["nvidia-smi"];
        File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
