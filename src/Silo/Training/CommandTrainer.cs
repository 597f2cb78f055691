using System.Text.Json;
using EnsembleFarm.Domain.Planning;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Grains.Training;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EnsembleFarm.Silo.Training;

/// <summary>
/// Trains a trial with a program the silo's operator allowed under an alias (the spec's <c>trainer: {command: ALIAS}</c>),
/// in a child process that speaks docs/trainer-protocol.md: a trial file in, one JSON line per epoch on stdout (reported
/// live, so pruners and <c>watch</c> see them), metrics, test predictions and safetensors weights in its output folder.
/// The child leads its own process group, which gets SIGTERM and then SIGKILL when the trial stops being this silo's
/// (pruned, cancelled, drained), when it runs past the timeout, or when it breaks the protocol. Whatever goes wrong
/// fails the attempt with a message that says what, with the tail of the child's stderr; the store retries as usual.
/// </summary>
public sealed partial class CommandTrainer(CampaignCache campaigns, DatasetCache datasets, CommandTrainerOptions options, ILogger<CommandTrainer>? logger = null)
    : ITrialTrainer
{
    /// <summary>The environment variable that names the trial file (also the command's last argument).</summary>
    public const string TrialVariable = "ENSEMBLEFARM_TRIAL";

    private const string GpuVariable = "CUDA_VISIBLE_DEVICES";
    private const int StderrTailLines = 30;

    private readonly ILogger _logger = logger ?? NullLogger<CommandTrainer>.Instance;

    /// <summary>Trains with the GPUs the silo gave the trial (none: an empty CUDA_VISIBLE_DEVICES, so the child sees no GPU).</summary>
    public Task<TrialOutcome> TrainAsync(ClaimedTrial trial, ITrialProgress progress, CancellationToken ct) =>
        TrainAsync(trial, progress, new Dictionary<string, string> { [GpuVariable] = trial.CudaVisibleDevices }, ct);

    /// <param name="environment">
    /// Variables the runner sets for this trial on top of the silo's own, such as <c>CUDA_VISIBLE_DEVICES</c> for the
    /// GPUs it placed the trial on; when that names devices the trial file says <c>"device": "cuda"</c>.
    /// </param>
    public async Task<TrialOutcome> TrainAsync(ClaimedTrial trial, ITrialProgress progress, IReadOnlyDictionary<string, string> environment,
        CancellationToken ct)
    {
        var campaign = await campaigns.GetAsync(trial.Campaign);
        var spec = CampaignCache.SpecOf(campaign.Spec, trial.Trial);
        var alias = spec.Trainer.Command ?? throw new InvalidOperationException($"campaign {trial.Campaign.Id} trains with the built-in trainer, not a command");
        var command = options.CommandFor(alias)
            ?? throw new InvalidOperationException(
                $"this silo ({Environment.MachineName}) does not allow trainer command '{alias}'; its operator allows one with {SiloSettings.CommandsSection.EnvironmentVariablePrefix}{alias}");
        // Reading the data and starting the child must not hold up the caller's thread (an Orleans scheduler's).
        return await Task.Run(() => RunAsync(trial, spec, campaign.TestSet, alias, command, progress, environment, ct), ct);
    }

    private async Task<TrialOutcome> RunAsync(ClaimedTrial claim, CampaignSpec spec, CampaignTestSet testSet, string alias, string command,
        ITrialProgress progress, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var data = datasets.Get(claim.Campaign.DatasetPath, claim.Campaign.DatasetSha256, spec.Dataset.CsvOptions);
        var (train, validation) = MemberData.SplitRows(spec, data, testSet, claim.Trial.SplitSeed);
        var rows = new TrialRows(train, validation, testSet.RowIndices);
        var standardizer = Standardizer.Fit(data.Select(train));
        var outputWidth = data.Task switch { TaskKind.Binary => 1, TaskKind.Multiclass => data.ClassCount, _ => data.TargetWidth };

        var folder = Path.Combine(options.WorkFolder, $"campaign-{claim.Campaign.Id}", $"trial-{claim.Trial.Id}-attempt-{claim.Lease.Attempt}");
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        var output = Path.Combine(folder, "output");
        Directory.CreateDirectory(output);
        try
        {
            var trialFile = Path.Combine(folder, "trial.json");
            var gpus = environment.TryGetValue(GpuVariable, out var devices) && devices.Length > 0;
            TrialFile.Write(trialFile, claim, spec, data, rows, standardizer, outputWidth, output, gpus ? "cuda" : "auto");
            await RunChildAsync(claim, alias, command, trialFile, folder, train.Length, progress, environment, ct);
            try
            {
                return TrainerOutputs.Read(output, spec.Model, data.Select(rows.Test), standardizer, outputWidth);
            }
            catch (InvalidDataException e)
            {
                throw new TrainerCommandException($"trainer command '{alias}' exited 0 but its output is unusable: {e.Message}");
            }
        }
        finally
        {
            TryDelete(folder);
        }
    }

    private async Task RunChildAsync(ClaimedTrial claim, string alias, string command, string trialFile, string folder, int trainRows,
        ITrialProgress progress, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var variables = new Dictionary<string, string>(environment) { [TrialVariable] = trialFile };
        var limit = options.MemoryLimit is { } bytes ? $"ulimit -v {Math.Max(1, bytes / 1024)} || exit 126\n" : "";
        using var child = ProcessGroup.Start($"{limit}exec {command} \"$1\"", [trialFile], variables, folder);
        LogStarted(claim.Campaign.Id, claim.Trial.Index, claim.Lease.Attempt, alias, child.Process.Id);

        using var timeout = options.Timeout is { } span ? new CancellationTokenSource(span) : new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        var stderr = new Queue<string>();
        var readErrors = DrainStderrAsync(child, stderr);
        string? violation = null;
        try
        {
            violation = await ReadEpochsAsync(child, progress, trainRows, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        if (violation is not null || stop.IsCancellationRequested)
        {
            await child.StopAsync(options.Grace);
            LogStopped(claim.Campaign.Id, claim.Trial.Index, claim.Lease.Attempt, alias,
                violation is not null ? "it broke the protocol" : timeout.IsCancellationRequested ? "timeout" : "the trial is no longer this silo's");
        }
        else
        {
            await child.Process.WaitForExitAsync(CancellationToken.None);
            child.KillRemnants();
        }
        await readErrors;

        ct.ThrowIfCancellationRequested();
        var tail = Tail(stderr);
        if (violation is not null)
            throw new TrainerCommandException($"trainer command '{alias}' broke the protocol: {violation}; it was stopped{tail}");
        if (timeout.IsCancellationRequested)
            throw new TrainerCommandException(
                $"trainer command '{alias}' ran past the silo's trainer timeout of {options.Timeout} ({SiloSettings.TrainerTimeoutSetting.Flag}) and was stopped (SIGTERM, then SIGKILL after {options.Grace.TotalSeconds:0.#} s){tail}");
        var exitCode = child.Process.ExitCode;
        if (exitCode != 0) throw new TrainerCommandException($"trainer command '{alias}' {Describe(exitCode, stderr)}{tail}");
    }

    /// <summary>Reports each epoch line until stdout ends; returns what was wrong with a line that is not one, or null.</summary>
    private static async Task<string?> ReadEpochsAsync(ProcessGroup child, ITrialProgress progress, int trainRows, CancellationToken ct)
    {
        var number = 0;
        while (await child.Process.StandardOutput.ReadLineAsync(ct) is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (ParseEpoch(line) is not { } epoch)
                return $"stdout line {number} is not an epoch line such as {{\"epoch\": 3, \"metrics\": {{\"val_loss\": 0.41}}}}: '{Shorten(line)}'";
            if (!progress.ReportEpoch(epoch.Epoch, epoch.Metrics, epoch.Samples ?? trainRows))
            {
                // The attempt is no longer current: the runner cancels the token, which stops the child.
                await Task.Delay(Timeout.Infinite, ct);
            }
        }
        return null;
    }

    private static (int Epoch, IReadOnlyDictionary<string, double> Metrics, long? Samples)? ParseEpoch(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("epoch", out var epoch) || !epoch.TryGetInt32(out var number) || number < 0
                || !root.TryGetProperty("metrics", out var metrics) || metrics.ValueKind != JsonValueKind.Object)
                return null;
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var metric in metrics.EnumerateObject())
            {
                if (metric.Value.ValueKind != JsonValueKind.Number || !double.IsFinite(metric.Value.GetDouble())) return null;
                values[metric.Name] = metric.Value.GetDouble();
            }
            long? samples = root.TryGetProperty("samples", out var s) && s.TryGetInt64(out var count) && count >= 0 ? count : null;
            return (number, values, samples);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task DrainStderrAsync(ProcessGroup child, Queue<string> tail)
    {
        while (await child.Process.StandardError.ReadLineAsync() is { } line)
        {
            lock (tail)
            {
                tail.Enqueue(Shorten(line));
                if (tail.Count > StderrTailLines) tail.Dequeue();
            }
        }
    }

    private string Describe(int exitCode, Queue<string> stderr)
    {
        string said;
        lock (stderr) said = string.Join('\n', stderr);
        // RLIMIT_AS makes allocations fail rather than the kernel kill the child: Python, NumPy and PyTorch each say so their own way.
        var outOfMemory = options.MemoryLimit is not null && (said.Contains("MemoryError", StringComparison.Ordinal)
            || said.Contains("Unable to allocate", StringComparison.Ordinal) || said.Contains("can't allocate memory", StringComparison.Ordinal)
            || said.Contains("bad_alloc", StringComparison.Ordinal) || said.Contains("Cannot allocate memory", StringComparison.Ordinal));
        if (outOfMemory)
            return $"ran out of memory: it may map {options.MemoryLimit / (1024 * 1024)} MiB ({SiloSettings.TrainerMemorySetting.Flag}); exit code {exitCode}";
        if (exitCode == 126) return "could not be started (exit code 126: not executable, or the memory limit could not be set)";
        if (exitCode == 127) return "could not be started (exit code 127: the command was not found; check the silo's command line for it)";
        return exitCode > 128
            ? $"was killed by signal {exitCode - 128}{(exitCode - 128 == 9 ? " (SIGKILL: perhaps the kernel's out-of-memory killer)" : "")}"
            : $"failed with exit code {exitCode}";
    }

    private static string Tail(Queue<string> stderr)
    {
        lock (stderr)
            return stderr.Count == 0 ? "; it wrote nothing to stderr" : $"; the end of its stderr:\n{string.Join('\n', stderr)}";
    }

    private static string Shorten(string line) => line.Length <= 300 ? line : string.Concat(line.AsSpan(0, 300), "…");

    private void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogCleanupFailed(folder, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "campaign {CampaignId} trial {Index} attempt {Attempt}: trainer command '{Alias}' started, process group {ProcessId}")]
    private partial void LogStarted(long campaignId, int index, int attempt, string alias, int processId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "campaign {CampaignId} trial {Index} attempt {Attempt}: trainer command '{Alias}' stopped ({Why})")]
    private partial void LogStopped(long campaignId, int index, int attempt, string alias, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "cannot remove the trial folder {Folder}: {Message}")]
    private partial void LogCleanupFailed(string folder, string message);
}
