using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Store;
using EnsembleFarm.Models.Data;

namespace EnsembleFarm.Domain.Planning;

/// <summary>The rows one trial (an ensemble member, a search's trial) trains, validates and is tested on.</summary>
/// <param name="Test">The campaign's test part, the same for every trial.</param>
public sealed record MemberData(Dataset Train, Dataset Validation, Dataset Test)
{
    /// <summary>
    /// The trial's data: a split of the campaign's non-test rows (stratified when the spec says so) from the trial's
    /// split seed, and the campaign's test part. Deterministic. An ensemble member's split seed is its own; every trial
    /// of a search has the same one (<see cref="SearchTrials.SeedsFor"/>), and the search's validation fraction.
    /// </summary>
    /// <exception cref="ArgumentException">The test set does not belong to this data (a row outside it).</exception>
    public static MemberData For(CampaignSpec spec, Dataset data, CampaignTestSet testSet, TrialRecord trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var split = SplitRows(spec, data, testSet, trial.SplitSeed);
        return new MemberData(data.Select(split.Train), data.Select(split.Validation), data.Select(testSet.RowIndices));
    }

    /// <summary>
    /// The dataset rows of a trial's training and validation parts, both ascending; together they are exactly the
    /// rows outside the test part. The validation share is <c>ensemble.validation_fraction</c> or, for a search,
    /// <c>search.validation_fraction</c>. (A trainer that runs outside the silo gets these indices.)
    /// </summary>
    public static (int[] Train, int[] Validation) SplitRows(CampaignSpec spec, Dataset data, CampaignTestSet testSet, ulong splitSeed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(testSet);
        var pool = RowsOutside(testSet, data.Rows);
        var (fraction, stratified, _) = spec.Validation;
        var (train, validation) = stratified
            ? Splits.Stratified(Array.ConvertAll(pool, row => data.Targets[row]), fraction, splitSeed)
            : Splits.Random(pool.Length, fraction, splitSeed);
        // Splits index into the pool; the pool is ascending, so mapping back keeps both parts ascending.
        return (Array.ConvertAll(train, i => pool[i]), Array.ConvertAll(validation, i => pool[i]));
    }

    private static int[] RowsOutside(CampaignTestSet testSet, int rows)
    {
        var isTest = new bool[rows];
        foreach (var row in testSet.RowIndices)
        {
            if ((uint)row >= (uint)rows)
                throw new ArgumentException($"Test row {row} is outside the dataset's {rows} rows: the test set was planned on other data.", nameof(testSet));
            isTest[row] = true;
        }
        var pool = new List<int>(rows);
        for (var row = 0; row < rows; row++)
        {
            if (!isTest[row]) pool.Add(row);
        }
        return [.. pool];
    }
}
