using EnsembleFarm.Store;

namespace EnsembleFarm.Silo.Training;

/// <summary>
/// Trains one claimed trial. The silo's claim loop knows nothing of how: the built-in trainer runs our C#
/// networks in process; a command trainer (next release) runs an operator-allowed program.
/// </summary>
public interface ITrialTrainer
{
    /// <summary>
    /// Trains <paramref name="trial"/> and returns what it leaves behind; the silo stores it.
    /// Reports each epoch through <paramref name="progress"/>. When the trial stops being this silo's (lease
    /// lost, campaign cancelled, silo draining) <paramref name="ct"/> is cancelled and the trainer ends with
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <exception cref="CampaignUnrunnableException">The campaign cannot run anywhere (e.g. its dataset is missing or changed): the silo fails the campaign.</exception>
    /// <exception cref="TrialNotRetryableException">The trial failed in a way a retry would repeat (e.g. its seeded training diverged): it fails at once.</exception>
    /// <remarks>Any other exception fails this attempt with its message; the store retries while attempts remain.</remarks>
    Task<TrialOutcome> TrainAsync(ClaimedTrial trial, ITrialProgress progress, CancellationToken ct);
}

/// <summary>Where a trainer reports a running trial's learning curve.</summary>
public interface ITrialProgress
{
    /// <summary>
    /// Hands over one epoch's metrics to be stored under the trial's lease, and returns without waiting for the
    /// store. False: an earlier report was refused (the lease is no longer current), the trainer's token is being
    /// cancelled, and the trainer should stop. The dictionary must not change after the call.
    /// </summary>
    /// <exception cref="Exception">The store failed to write an earlier report: the error as the store threw it.</exception>
    bool ReportEpoch(int epoch, IReadOnlyDictionary<string, double> metrics);
}

/// <summary>A campaign that no silo can run as submitted; its message is the reason the campaign fails with.</summary>
public sealed class CampaignUnrunnableException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>
/// A trial that failed deterministically: the same spec and seeds would fail the same way on any silo, so a
/// retry would only spend time. Its message is the trial's error.
/// </summary>
public sealed class TrialNotRetryableException(string message) : Exception(message);
