namespace EnsembleFarm.Grains.Training;

/// <summary>Where a trainer reports a running trial's learning curve.</summary>
public interface ITrialProgress
{
    /// <summary>
    /// Hands over one epoch's metrics to be stored under the trial's lease, and returns without waiting for the
    /// store. False: an earlier report was refused (the attempt is no longer current), the trainer's token is being
    /// cancelled, and the trainer should stop. The dictionary must not change after the call.
    /// </summary>
    /// <param name="samples">Training samples the epoch processed (for the silo's samples-per-second meter).</param>
    /// <exception cref="Exception">The store failed to write an earlier report: the error as the store threw it.</exception>
    bool ReportEpoch(int epoch, IReadOnlyDictionary<string, double> metrics, long samples);
}
