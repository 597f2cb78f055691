using System.Diagnostics;
using EnsembleFarm.Store;
using Xunit;

namespace EnsembleFarm.Silo.Tests;

/// <summary>The farm-silo executable as a parent process sees it: readiness on stdout, SIGTERM, exit codes.</summary>
public sealed class SiloProcessTests
{
    private static CancellationToken Ct => TestFarm.Ct;

    private static Process StartSilo(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "farm-silo"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return Process.Start(start) ?? throw new InvalidOperationException("farm-silo did not start");
    }

    private static async Task SendSigTermAsync(Process process)
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]);
        await kill.WaitForExitAsync(Ct);
        Assert.Equal(0, kill.ExitCode);
    }

    // The timeout only guards against a hang (a silo that never trains); nothing asserts on time.
    [Fact(Timeout = 120_000)]
    public async Task SigTerm_WithDrainRelease_GivesTheRunningTrialBackAndExitsCleanly()
    {
        await using var farm = await TestFarm.StartAsync();
        // Far more epochs than the test will wait for: the trial is still training when the signal comes.
        var campaignId = await TinyCampaign.SubmitAsync(farm, members: 1, epochs: 1_000_000);
        using var silo = StartSilo("--store", farm.Store.FilePath, "--id", "proc-1", "--slots", "1", "--drain", "release");
        try
        {
            Assert.Equal("silo proc-1 ready", await ReadUntilAsync(silo, line => line == "silo proc-1 ready"));
            var trial = Assert.Single(await farm.Store.GetTrialsAsync(campaignId, Ct));
            while ((await farm.Store.GetEpochMetricsAsync(trial.Id, Ct)).Count == 0) await Task.Delay(20, Ct);

            await SendSigTermAsync(silo);
            await silo.WaitForExitAsync(Ct);

            Assert.Equal(0, silo.ExitCode);
            var released = await farm.Store.GetTrialAsync(trial.Id, Ct);
            Assert.Equal((TrialState.Queued, (string?)null), (released!.State, released.Owner));
            var attempt = Assert.Single(await farm.Store.GetAttemptsAsync(trial.Id, Ct));
            Assert.Equal(("proc-1", AttemptOutcome.Released), (attempt.SiloId, attempt.Outcome));
            Assert.Equal(SiloState.Stopped, Assert.Single(await farm.Store.ListSilosAsync(Ct)).State);
        }
        finally
        {
            if (!silo.HasExited) silo.Kill();
        }
    }

    [Fact]
    public async Task AStoreThatIsNotADatabase_ExitsWithFourAndSaysWhy()
    {
        await using var farm = await TestFarm.StartAsync();
        var path = Path.Combine(farm.Folder, "notes.db");
        await File.WriteAllTextAsync(path, new string('x', 200), Ct);

        using var silo = StartSilo("--store", path, "--once-idle-exit");
        var error = await silo.StandardError.ReadToEndAsync(Ct);
        await silo.WaitForExitAsync(Ct);

        Assert.Equal(SiloExitCodes.StoreUnusable, silo.ExitCode);
        Assert.Contains(path, error);
    }

    [Fact(Timeout = 120_000)]
    public async Task AStoreFileDeletedUnderARunningSilo_ExitsWithFourAndOneLineNamingTheFile()
    {
        await using var farm = await TestFarm.StartAsync();
        using var silo = StartSilo("--store", farm.Store.FilePath, "--id", "proc-2", "--slots", "1", "--poll", "50ms");
        try
        {
            await ReadUntilAsync(silo, line => line == "silo proc-2 ready");
            File.Delete(farm.Store.FilePath);

            var output = await silo.StandardOutput.ReadToEndAsync(Ct);
            await silo.WaitForExitAsync(Ct);

            Assert.Equal(SiloExitCodes.StoreUnusable, silo.ExitCode);
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(lines, line => line.Contains("the store cannot be used any more") && line.Contains($"'{farm.Store.FilePath}' does not exist"));
            Assert.DoesNotContain(lines, line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
            Assert.False(File.Exists(farm.Store.FilePath));
        }
        finally
        {
            if (!silo.HasExited) silo.Kill();
        }
    }

    /// <summary>Reads the child's stdout until a line matches; the test's own timeout bounds the wait.</summary>
    private static async Task<string> ReadUntilAsync(Process process, Func<string, bool> match)
    {
        while (await process.StandardOutput.ReadLineAsync(Ct) is { } line)
        {
            if (match(line)) return line;
        }
        throw new InvalidOperationException($"farm-silo exited ({process.ExitCode}) without the line: {await process.StandardError.ReadToEndAsync(Ct)}");
    }
}
