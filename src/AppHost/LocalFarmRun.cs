using System.Runtime.InteropServices;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Store;

namespace EnsembleFarm.AppHost;

/// <summary>
/// The README's main command: prepares the data set, starts the silos, submits the spec, shows progress,
/// prints the results and stops the silos. Every step is a child process (<c>farm</c>, <c>farm-silo</c>);
/// this class only sequences them and owns their lifetime. SIGINT/SIGTERM stop every child cleanly.
/// All output is line by line — silo lines prefixed "[silo-n] ", the <c>farm</c> commands' own lines as
/// they are (in their plain form, since their output comes through us) — so several processes can share
/// one terminal or log file without redrawing over each other.
/// </summary>
internal sealed class LocalFarmRun(LocalFarmRun.Settings settings)
{
    /// <param name="SlotsPerSilo">Null: sized for the machine by <see cref="FarmSizing"/>.</param>
    internal sealed record Settings(string SpecPath, string? Store, int? Silos, int? SlotsPerSilo);

    private const int Interrupted = 130;
    private const int BadInput = 2;
    private const int StoreUnavailable = 4;

    private readonly TextWriter _out = Console.Out;

    public async Task<int> RunAsync()
    {
        using var stop = new CancellationTokenSource();
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        try
        {
            return await RunStepsAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Say("stopped; the campaign stays in the store as it was");
            return Interrupted;
        }

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true; // we end ourselves, once the children have stopped
            if (!stop.IsCancellationRequested) Say($"{context.Signal}: stopping every child process");
            stop.Cancel();
        }
    }

    private async Task<int> RunStepsAsync(CancellationToken ct)
    {
        var specPath = Path.GetFullPath(settings.SpecPath);
        if (!File.Exists(specPath))
            return Fail(BadInput, $"no spec at {specPath}; run from the repository root or pass --spec FILE");
        CampaignSpec spec;
        string storePath;
        try
        {
            spec = SpecParser.ParseFile(specPath);
            storePath = FarmStoreFactory.ResolveSqlitePath(settings.Store);
        }
        catch (SpecException e)
        {
            return Fail(BadInput, e.Message);
        }
        catch (FarmStoreException e)
        {
            return Fail(StoreUnavailable, e.Message);
        }

        var client = FarmTool.Find(FarmTool.Client);
        if (!File.Exists(spec.Dataset.Path))
        {
            Say($"generating the data set {spec.Dataset.Path}");
            var generated = await RunClientAsync(client, ["data", "generate", "--kind", TaskName(spec), "--out", spec.Dataset.Path], ct);
            if (generated != 0) return generated;
        }

        var slotsPerSilo = SlotsPerSilo(spec);
        Say($"store {storePath}; {slotsPerSilo.Count} silo(s) with {string.Join(" + ", slotsPerSilo)} slot(s), {spec.Resources.Slots} slot(s) per trial");
        // On Ctrl+C a silo gives its unfinished trials back to the queue at once (no attempt spent) rather
        // than finishing them: the user asked to stop, and the next farm on this store resumes them.
        await using var farm = LocalFarm.Start(FarmTool.Find(FarmTool.Silo), storePath, slotsPerSilo, WriteSiloLine, ["--drain", "release"]);
        try
        {
            var submitted = await ChildProcess.RunAsync(client, ["submit", specPath, "--store", storePath], ct);
            if (submitted.StandardError.Length > 0) await Console.Error.WriteAsync(submitted.StandardError);
            if (submitted.ExitCode != 0) return submitted.ExitCode;
            var campaignId = submitted.StandardOutput.Trim();
            Say($"campaign {campaignId} submitted: {spec.Ensemble.Members} members of {spec.Name}");

            var watched = await RunClientAsync(client, ["watch", campaignId, "--store", storePath], ct);
            if (watched is 0 or 1)
                await RunClientAsync(client, ["results", campaignId, "--store", storePath], ct);
            Say($"the store keeps campaign {campaignId}: farm results {campaignId} --store {storePath}");
            return watched;
        }
        finally
        {
            Say("stopping the silos");
            await farm.StopAsync(LocalFarm.StopGrace);
        }
    }

    /// <summary>Runs a <c>farm</c> command, passing its lines through; on cancellation it is stopped.</summary>
    private async Task<int> RunClientAsync(FarmTool client, string[] arguments, CancellationToken ct)
    {
        await using var child = ChildProcess.StartObserved(arguments[0], client, arguments, WriteLine);
        try
        {
            return await child.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            await child.StopAsync(TimeSpan.FromSeconds(5));
            throw;
        }
    }

    private IReadOnlyList<int> SlotsPerSilo(CampaignSpec spec)
    {
        var sized = FarmSizing.SlotsPerSilo(Environment.ProcessorCount, spec.Resources.Slots);
        var silos = settings.Silos ?? sized.Count;
        return Enumerable.Range(0, silos).Select(i => settings.SlotsPerSilo ?? sized[Math.Min(i, sized.Count - 1)]).ToArray();
    }

    private void WriteSiloLine(string silo, string line) => WriteLine($"[{silo}] {line}");

    private void WriteLine(string line)
    {
        lock (_out) _out.WriteLine(line);
    }

    private static string TaskName(CampaignSpec spec) => spec.Dataset.Task.ToString().ToLowerInvariant();

    private void Say(string message) => WriteLine($"[apphost] {message}");

    private static int Fail(int exitCode, string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return exitCode;
    }
}
