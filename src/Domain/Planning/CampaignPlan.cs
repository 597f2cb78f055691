using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Store;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Nn;

namespace EnsembleFarm.Domain.Planning;

/// <summary>
/// What a campaign's submission writes to the store: its held-out test part and its trials.
/// Deterministic: the same spec and data give the same plan on every machine.
/// </summary>
/// <param name="TestSet">The rows every member is scored on, drawn once with the spec's test seed.</param>
/// <param name="Trials">One trial per ensemble member, in index order.</param>
public sealed record CampaignPlan(CampaignTestSet TestSet, IReadOnlyList<NewTrial> Trials)
{
    /// <summary>The parameters of an ensemble member: none, every member trains the spec's settings.</summary>
    public const string EnsembleMemberParams = "{}";

    /// <summary>
    /// Plans an ensemble campaign. Member i gets split seed <c>Rng.Derive(seed, 2i)</c> and
    /// initialisation seed <c>Rng.Derive(seed, 2i + 1)</c> from the campaign seed, so members are
    /// independent, and a member's seeds do not depend on how many members the ensemble has.
    /// </summary>
    /// <exception cref="SpecException">
    /// The spec does not fit the data (too few rows to split; rows left after the test part; one class weight per class).
    /// </exception>
    /// <exception cref="ArgumentException">The data was read for another task than the spec's.</exception>
    public static CampaignPlan Create(CampaignSpec spec, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(data);
        CheckFits(spec, data);

        var testRows = spec.Test.Stratified
            ? Splits.Stratified(data.Targets, spec.Test.Fraction, spec.Test.Seed).Second
            : Splits.Random(data.Rows, spec.Test.Fraction, spec.Test.Seed).Second;
        if (data.Rows - testRows.Length < 2)
        {
            throw new SpecException([new SpecError("test.fraction",
                $"leaves {data.Rows - testRows.Length} of the {data.Rows} rows for the members' training and validation; they need at least 2")]);
        }
        var test = data.Select(testRows);
        var testSet = new CampaignTestSet(testRows, test.Targets, data.TargetWidth, test.Ids?.ToArray());

        var trials = new NewTrial[spec.Ensemble.Members];
        for (var i = 0; i < trials.Length; i++)
        {
            var stream = 2UL * (ulong)i;
            trials[i] = new NewTrial(i, EnsembleMemberParams, Rng.Derive(spec.Seed, stream), Rng.Derive(spec.Seed, stream + 1), spec.Resources.Slots);
        }
        return new CampaignPlan(testSet, trials);
    }

    private static void CheckFits(CampaignSpec spec, Dataset data)
    {
        if (data.Task != spec.Dataset.Task)
            throw new ArgumentException($"The data was read for task {data.Task}, but the spec's task is {SpecVocabulary.Name(spec.Dataset.Task)}.", nameof(data));
        // The test part takes at least one row, and each member needs one training and one validation row of the rest.
        if (data.Rows < 3)
        {
            throw new SpecException([new SpecError("dataset.path",
                $"{spec.Dataset.Path} has {data.Rows} {(data.Rows == 1 ? "row" : "rows")}; a campaign needs at least 3 "
                + "(one each for the test part, a member's training and its validation)")]);
        }
        if (spec.Model.Conv is { } conv && Conv1dStage.FirstEmptyStage(conv, data.Columns) is { } empty)
        {
            throw new SpecException([new SpecError($"model.conv[{empty}]",
                $"leaves nothing of the data's {data.Columns} features: each stage shortens its input by kernel − 1 (padding 'valid') "
                + "and divides it by its pool; use fewer or smaller stages")]);
        }
        if (spec.Training.Loss.ClassWeights is { } weights && weights.Count != data.ClassCount)
        {
            throw new SpecException([new SpecError("training.loss.class_weights",
                $"must be one weight per class: the data has {data.ClassCount} classes, got {weights.Count} weights")]);
        }
    }
}
