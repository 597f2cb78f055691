using EnsembleFarm.Store;

namespace EnsembleFarm.Grains.Training;

/// <summary>
/// Trains one claimed trial. The silo's runner knows nothing of how: the built-in trainer runs our C# networks in
/// process on a thread of its own; a command trainer runs an operator-allowed program. Never on the Orleans scheduler.
/// </summary>
public interface ITrialTrainer
{
    /// <summary>
    /// Trains <paramref name="trial"/> and returns what it leaves behind; the runner stores it. Reports each epoch
    /// through <paramref name="progress"/>. When the trial stops being this silo's (superseded, campaign cancelled,
    /// silo draining) <paramref name="ct"/> is cancelled and the trainer ends with <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <exception cref="CampaignUnrunnableException">The campaign cannot run anywhere (e.g. its dataset is missing or changed): the campaign fails.</exception>
    /// <exception cref="TrialNotRetryableException">The trial failed in a way a retry would repeat (e.g. its seeded training diverged): it fails at once.</exception>
    /// <remarks>Any other exception fails this attempt with its message; the store retries while attempts remain.</remarks>
    Task<TrialOutcome> TrainAsync(ClaimedTrial trial, ITrialProgress progress, CancellationToken ct);
}
