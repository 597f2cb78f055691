using System.Diagnostics;
using EnsembleFarm.Domain.Planning;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Training;

namespace EnsembleFarm.TrainerAccuracy;

/// <summary>
/// Trains the members as a silo does (the member's split, <c>Trainer.Fit</c> with its init seed, prediction on the test
/// part), <paramref name="workers"/> at once, and saves them in the export's <c>builtin</c> folder.
/// </summary>
internal static class BuiltInSide
{
    public const string Name = "EnsembleFarm";
    public const string Folder = "builtin";

    public static void Train(string exportFolder, CampaignSpec spec, Dataset data, CampaignPlan plan,
        IReadOnlyList<(int[] Train, int[] Validation)> memberRows, int workers)
    {
        var folder = Directory.CreateDirectory(Path.Combine(exportFolder, Folder)).FullName;
        var test = data.Select(plan.TestSet.RowIndices);
        var wall = Stopwatch.StartNew();
        Parallel.For(0, plan.Trials.Count, new ParallelOptions { MaxDegreeOfParallelism = workers }, i =>
        {
            var clock = Stopwatch.StartNew();
            var (train, validation) = memberRows[i];
            var run = Trainer.Fit(spec.Model, data.Select(train), data.Select(validation), spec.TrainingFor(plan.Trials[i].InitSeed));
            var predictions = run.Model.Predict(test);
            SideResult.SaveMember(folder, i, predictions, run.Result.EpochsRun, clock.Elapsed.TotalSeconds);
        });
        SideResult.SaveSide(folder, Name, wall.Elapsed.TotalSeconds);
    }
}
