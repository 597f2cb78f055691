using System.Text.RegularExpressions;
using Aspire.Hosting.ApplicationModel;
using EnsembleFarm.GrainInterfaces;
using Microsoft.Extensions.DependencyInjection;

namespace EnsembleFarm.AppHost;

/// <summary>
/// Watches the running farm: prints the campaign runner's output as it comes (so the terminal reads like the farm
/// command's), the silos' errors, and their restarts; restarts a silo that stopped without being asked
/// (a crash, a kill, a silo that the cluster declared dead and that stopped itself), as a supervisor must.
/// </summary>
internal sealed partial class FarmMonitor(IServiceProvider services, IReadOnlyList<string> silos, TextWriter output)
{
    private readonly ResourceNotificationService _notifications = services.GetRequiredService<ResourceNotificationService>();
    private readonly ResourceLoggerService _logs = services.GetRequiredService<ResourceLoggerService>();
    private readonly ResourceCommandService _commands = services.GetRequiredService<ResourceCommandService>();
    private readonly Dictionary<string, string> _resourceIds = [];
    private readonly Dictionary<string, int> _restarts = [];

    public void Say(string message) => Write($"[apphost] {message}");

    /// <summary>Runs until the campaign runner has finished (or, with <paramref name="keepRunning"/>, until cancelled); returns its exit code.</summary>
    public async Task<int> RunAsync(bool keepRunning, CancellationToken ct)
    {
        int? campaignExit = null;
        await foreach (var change in _notifications.WatchAsync(ct))
        {
            var name = change.Resource.Name;
            if (_resourceIds.TryAdd(name, change.ResourceId)) Follow(name, change.ResourceId, ct);
            var state = change.Snapshot.State?.Text;
            if (state is not ("Finished" or "Exited") || change.Snapshot.ExitCode is not { } exitCode) continue;

            if (name == FarmModel.CampaignResource && campaignExit is null)
            {
                campaignExit = exitCode;
                if (!keepRunning) return exitCode;
                Say($"the campaign runner ended ({exitCode}); the farm keeps running: 'farm list', 'farm submit SPEC', dashboard above; Ctrl+C stops it");
            }
            else if (name == FarmModel.DataResource && exitCode != 0)
            {
                Say($"generating the data set failed ({exitCode})");
                return FarmExitCodes.BadInput;
            }
            else if (silos.Contains(name) && exitCode is FarmExitCodes.StoreUnusable or FarmExitCodes.BadInput)
            {
                // Restarting cannot help (and a restarted silo would start an empty store where the lost one was).
                Say($"{name} stopped: {(exitCode == FarmExitCodes.StoreUnusable ? "its store cannot be used" : "its settings are wrong")} " +
                    $"(exit code {exitCode}, its reason above); stopping the farm");
                return exitCode;
            }
            else if (silos.Contains(name))
            {
                var restarts = _restarts[name] = _restarts.GetValueOrDefault(name) + 1;
                Say($"{name} stopped with exit code {exitCode}; restarting it (restart {restarts})");
                var result = await _commands.ExecuteCommandAsync(change.ResourceId, KnownResourceCommands.StartCommand, ct);
                if (!result.Success) Say($"could not restart {name}: {result.Message}");
            }
        }
        return campaignExit ?? FarmExitCodes.Interrupted;
    }

    /// <summary>
    /// Stops the campaign runner, then the silos, and waits until the silos have exited: a draining silo gives its trials
    /// back before the AppHost ends (the orchestrator would otherwise take it down with the AppHost, mid-drain).
    /// </summary>
    public async Task StopFarmAsync(TimeSpan patience)
    {
        using var limit = new CancellationTokenSource(patience);
        foreach (var name in (string[])[FarmModel.CampaignResource, .. silos])
        {
            if (!_resourceIds.TryGetValue(name, out var id)) continue;
            try
            {
                var stopped = await _commands.ExecuteCommandAsync(id, KnownResourceCommands.StopCommand, limit.Token);
                if (!stopped.Success) Say($"could not stop {name}: {stopped.Message}");
                await _notifications.WaitForResourceAsync(name, e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), limit.Token);
            }
            catch (OperationCanceledException)
            {
                Say($"{name} did not stop within {patience.TotalSeconds:F0} s; it is stopped with the farm");
                return;
            }
        }
    }

    /// <summary>Echoes a resource's console: all of the campaign runner's, the silos' errors.</summary>
    private void Follow(string name, string resourceId, CancellationToken ct)
    {
        var all = name is FarmModel.CampaignResource or FarmModel.DataResource;
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var batch in _logs.WatchAsync(resourceId).WithCancellation(ct))
                {
                    foreach (var line in batch)
                    {
                        var text = Timestamp().Replace(line.Content, "");
                        if (text.StartsWith("[sys]", StringComparison.Ordinal) || Orchestration().IsMatch(text)) continue;
                        if (all) Write(text);
                        else if (SiloTrouble().IsMatch(text)) Write($"[{name}] {text}");
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
    }

    private void Write(string line)
    {
        lock (output) output.WriteLine(line);
    }

    /// <summary>The time stamp the orchestrator puts before every captured line.</summary>
    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z ")]
    private static partial Regex Timestamp();

    /// <summary>Lines the orchestrator writes into a resource's console about starting it (and waiting for what it waits for).</summary>
    [GeneratedRegex("^(No custom certificate authorities|Executing command|Successfully executed command|Waiting for resource|Finished waiting for resource)")]
    private static partial Regex Orchestration();

    /// <summary>
    /// A silo's error or critical line (its log format: "HH:mm:ss fail  …"), or its one-line refusal to start. Warnings
    /// stay in the dashboard's logs: on a busy machine Orleans warns of every slow probe, which would bury the campaign.
    /// </summary>
    [GeneratedRegex(@"^(\d\d:\d\d:\d\d (fail|crit) |error: )")]
    private static partial Regex SiloTrouble();
}
