using System.Collections.Concurrent;
using EnsembleFarm.Domain.Planning;
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
public sealed class BuiltInTrainer(IFarmStore store, DatasetCache datasets) : ITrialTrainer
{
    private readonly ConcurrentDictionary<long, Lazy<Task<(CampaignSpec Spec, CampaignTestSet TestSet)>>> _campaigns = new();

    public async Task<TrialOutcome> TrainAsync(ClaimedTrial trial, ITrialProgress progress, CancellationToken ct)
    {
        var (spec, testSet) = await CampaignAsync(trial.Campaign);
        return await Task.Factory.StartNew(
            () => Train(spec, testSet, trial, progress, ct), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private Task<(CampaignSpec, CampaignTestSet)> CampaignAsync(CampaignRecord campaign)
    {
        var entry = _campaigns.GetOrAdd(campaign.Id, _ => new Lazy<Task<(CampaignSpec, CampaignTestSet)>>(() => LoadAsync(campaign)));
        if (entry.Value.IsFaulted) _campaigns.TryRemove(new(campaign.Id, entry));
        // A campaign lives for hours at most; the few dozen kept here cost a spec and a test index each.
        if (_campaigns.Count > 64) _campaigns.Clear();
        return entry.Value;
    }

    private async Task<(CampaignSpec, CampaignTestSet)> LoadAsync(CampaignRecord campaign) =>
        (ReadSpec(campaign), await store.GetTestSetAsync(campaign.Id, CancellationToken.None));

    /// <summary>The campaign's spec as submitted, with the dataset path the submission resolved and pinned.</summary>
    private static CampaignSpec ReadSpec(CampaignRecord campaign)
    {
        CampaignSpec spec;
        try
        {
            spec = SpecParser.Parse(campaign.SpecYaml, Path.GetDirectoryName(campaign.DatasetPath) ?? Environment.CurrentDirectory);
        }
        catch (SpecException e)
        {
            throw new CampaignUnrunnableException($"the spec of campaign {campaign.Id} cannot be read by this silo: {e.Message}", e);
        }
        return spec with { Dataset = spec.Dataset with { Path = campaign.DatasetPath } };
    }

    private TrialOutcome Train(CampaignSpec spec, CampaignTestSet testSet, ClaimedTrial trial, ITrialProgress progress, CancellationToken ct)
    {
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
        var predictions = run.Model.Predict(test);
        if (ContainsNonFinite(predictions))
            throw new TrialNotRetryableException(
                $"training diverged ({run.Result.StopReason}, after {run.Result.EpochsRun} epochs): the model predicts non-finite values. " +
                "Lower training.optimizer.learning_rate or set training.gradient_clip.");
        var metrics = TaskMetrics.Evaluate(test.Task, predictions, test.Targets, test.ClassCount);
        var (weights, json) = run.Model.Serialize();
        return new TrialOutcome(metrics, predictions, predictions.Length / test.Rows, weights, json);
    }

    private static bool ContainsNonFinite(ReadOnlySpan<float> values)
    {
        foreach (var value in values)
            if (!float.IsFinite(value)) return true;
        return false;
    }
}
