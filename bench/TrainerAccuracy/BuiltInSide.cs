using System.Diagnostics;
using EnsembleFarm.Domain.Planning;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Training;

namespace EnsembleFarm.TrainerAccuracy;

/// <summary>Trains the members as a silo does: the member's split, <c>Trainer.Fit</c> with its init seed, prediction on the test part.</summary>
internal static class BuiltInSide
{
    public static SideResult Train(CampaignSpec spec, Dataset data, CampaignPlan plan, IReadOnlyList<(int[] Train, int[] Validation)> memberRows, int workers)
    {
        var test = data.Select(plan.TestSet.RowIndices);
        var members = plan.Trials.Count;
        var predictions = new float[members][];
        var epochs = new int[members];
        var seconds = new double[members];
        var wall = Stopwatch.StartNew();
        Parallel.For(0, members, new ParallelOptions { MaxDegreeOfParallelism = workers }, i =>
        {
            var clock = Stopwatch.StartNew();
            var (train, validation) = memberRows[i];
            var run = Trainer.Fit(spec.Model, data.Select(train), data.Select(validation), spec.TrainingFor(plan.Trials[i].InitSeed));
            predictions[i] = run.Model.Predict(test);
            epochs[i] = run.Result.EpochsRun;
            seconds[i] = clock.Elapsed.TotalSeconds;
        });
        return new SideResult("EnsembleFarm", predictions, epochs, seconds, wall.Elapsed.TotalSeconds);
    }
}
