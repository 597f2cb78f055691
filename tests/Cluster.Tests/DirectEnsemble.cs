using EnsembleFarm.Domain.Planning;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Training;
using EnsembleFarm.Store;

namespace EnsembleFarm.Cluster.Tests;

/// <summary>
/// What a campaign's members must predict, computed without the farm: the same plan, each member trained in this
/// process with its seeds. Training is deterministic for a seed (one thread), so a farm that ran every member exactly
/// once, whatever failed on the way, stores these very predictions.
/// </summary>
internal sealed record DirectEnsemble(IReadOnlyList<float[]> Predictions)
{
    public static DirectEnsemble Compute(string specYaml, string folder)
    {
        var submission = CampaignSubmission.Prepare(specYaml, folder);
        var spec = submission.Spec;
        var data = CsvDataset.Read(spec.Dataset.Path, spec.Dataset.CsvOptions);
        var testSet = submission.Campaign.TestSet;
        var predictions = new float[submission.Trials.Count][];
        Parallel.For(0, predictions.Length, i =>
        {
            var trial = submission.Trials[i];
            var record = new TrialRecord(i, 0, trial.Index, TrialState.Running, 1, trial.ParamsJson, trial.SplitSeed, trial.InitSeed, trial.Slots,
                null, null, null, null, null);
            var member = MemberData.For(spec, data, testSet, record);
            var run = Trainer.Fit(spec.Model, member.Train, member.Validation, spec.TrainingFor(trial.InitSeed));
            predictions[trial.Index] = run.Model.Predict(member.Test);
        });
        return new DirectEnsemble(predictions);
    }
}
