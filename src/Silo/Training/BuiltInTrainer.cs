using System.Diagnostics;
using EnsembleFarm.Domain.Planning;
using EnsembleFarm.Domain.Search;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Grains.Training;
using EnsembleFarm.Models.Metrics;
using EnsembleFarm.Models.Training;
using EnsembleFarm.Store;

namespace EnsembleFarm.Silo.Training;

/// <summary>
/// Trains a trial with the built-in dense-network trainer, in this process. The campaign's stored spec says what to
/// train; the trial's seeds pick its split and initialisation; the campaign's test part scores it. Training is CPU-bound
/// and synchronous, so each trial gets a thread of its own rather than a pool thread, and never the Orleans scheduler.
/// The spec and test part are read once per campaign on this silo, not once per member.
/// </summary>
public sealed class BuiltInTrainer(CampaignCache campaigns, DatasetCache datasets) : ITrialTrainer
{
    public async Task<TrialOutcome> TrainAsync(ClaimedTrial trial, ITrialProgress progress, CancellationToken ct)
    {
        var (spec, testSet) = await campaigns.GetAsync(trial.Campaign);
        // A dedicated thread on the default scheduler: training must never run on the grain scheduler that called.
        return await Task.Factory.StartNew(() => Train(spec, testSet, trial, progress, ct), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private TrialOutcome Train(CampaignSpec campaignSpec, CampaignTestSet testSet, ClaimedTrial trial, ITrialProgress progress, CancellationToken ct)
    {
        var spec = CampaignCache.SpecOf(campaignSpec, trial.Trial);
        var data = datasets.Get(trial.Campaign.DatasetPath, trial.Campaign.DatasetSha256, spec.Dataset.CsvOptions);
        var member = MemberData.For(spec, data, testSet, trial.Trial);

        // A refused report cancels ct (the trial is no longer ours), which ends Fit at its next check.
        var run = Trainer.Fit(spec.Model, member.Train, member.Validation, spec.TrainingFor(trial.Trial.InitSeed),
            report =>
            {
                progress.ReportEpoch(report.Epoch, report.Metrics, member.Train.Rows);
                return EpochDecision.Continue;
            },
            ct);

        var test = member.Test;
        var timer = Stopwatch.StartNew();
        var predictions = run.Model.Predict(test);
        var latencyMicroseconds = timer.Elapsed.TotalMicroseconds / test.Rows;
        if (ContainsNonFinite(predictions))
            throw new TrialNotRetryableException(
                $"training diverged ({run.Result.StopReason}, after {run.Result.EpochsRun} epochs): the model predicts non-finite values. " +
                "Lower training.optimizer.learning_rate or set training.gradient_clip.");
        var metrics = new Dictionary<string, double>(TaskMetrics.Evaluate(test.Task, predictions, test.Targets, test.ClassCount));
        AddTrainingFacts(metrics, run, latencyMicroseconds);
        var (weights, json) = run.Model.Serialize();
        return new TrialOutcome(metrics, predictions, predictions.Length / test.Rows, weights, json);
    }

    /// <summary>
    /// Beside the test metrics: the validation metrics at the epoch the model was kept from (what a search's objectives
    /// read: choosing on the test part would leak it), how training went, and what a model costs (the objectives of an
    /// architecture search).
    /// </summary>
    private static void AddTrainingFacts(Dictionary<string, double> metrics, TrainingRun run, double latencyMicroseconds)
    {
        var kept = run.Result.History.FirstOrDefault(e => e.Epoch == run.Result.BestEpoch) ?? run.Result.History.LastOrDefault();
        foreach (var (name, value) in kept?.Metrics ?? new Dictionary<string, double>())
            if (name.StartsWith("val_", StringComparison.Ordinal)) metrics[name] = value;
        metrics["epochs_run"] = run.Result.EpochsRun;
        metrics["best_epoch"] = run.Result.BestEpoch;
        metrics[SearchSpec.ParametersMetric] = run.Model.ParameterCount;
        metrics[SearchSpec.LatencyMetric] = latencyMicroseconds;
    }

    private static bool ContainsNonFinite(ReadOnlySpan<float> values)
    {
        foreach (var value in values)
            if (!float.IsFinite(value)) return true;
        return false;
    }
}
