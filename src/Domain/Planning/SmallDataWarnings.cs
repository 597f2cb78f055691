using System.Globalization;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Store;
using EnsembleFarm.Models.Data;

namespace EnsembleFarm.Domain.Planning;

/// <summary>
/// What makes a campaign's numbers mean little although it can run: a test part or validation parts too small, or
/// missing a class. A campaign is refused only where training is impossible (<see cref="CampaignPlan.Create"/>);
/// these are said before it runs, so that nobody waits for an ensemble whose report is noise. The thresholds are
/// documented in docs/spec.md ("Warnings").
/// </summary>
internal static class SmallDataWarnings
{
    /// <summary>
    /// A test part smaller than this gives metrics too noisy to compare models or rules by: on 30 rows the standard
    /// error of an accuracy is up to 0.09, and one row moves it by 0.03.
    /// </summary>
    public const int MinTestRows = 30;

    /// <summary>Fewer validation rows than this, and early stopping follows the noise of a handful of rows.</summary>
    public const int MinValidationRows = 10;

    /// <summary>A random validation part that misses a class at least this often is worth a warning.</summary>
    public const double MissingClassChance = 0.01;

    public static IReadOnlyList<string> For(CampaignSpec spec, Dataset data, CampaignPlan plan)
    {
        var warnings = new List<string>();
        var testRows = plan.TestSet.RowIndices.Length;
        if (testRows < MinTestRows)
        {
            warnings.Add($"test.fraction: the test part holds {Rows(testRows)} of the {data.Rows}; test metrics on fewer than "
                + $"{MinTestRows} rows are mostly noise: use more data or a larger test.fraction");
        }
        // Every member validates on as many rows, and with stratified splits on as many of each class: the first shows all.
        // A search's trials all validate on the same rows, planned or not.
        var splitSeed = spec.Search is null ? plan.Trials[0].SplitSeed : SearchTrials.SeedsFor(spec, 0).SplitSeed;
        var (_, validation) = MemberData.SplitRows(spec, data, plan.TestSet, splitSeed);
        var outside = data.Rows - testRows;
        var words = WordsFor(spec);
        if (validation.Length < MinValidationRows)
        {
            warnings.Add($"{words.Block}.validation_fraction: each {words.Trial} validates on {Rows(validation.Length)} of the {outside} outside "
                + $"the test part; early stopping and validation metrics on fewer than {MinValidationRows} rows follow noise: "
                + "use more data or a larger validation_fraction");
        }
        if (data.ClassCount > 0) warnings.AddRange(MissingClasses(spec, data, plan.TestSet, validation, words));
        return warnings;
    }

    /// <summary>How the warnings name a campaign's trials, the block of their validation part, and how they do on a class.</summary>
    private static (string Block, string Trial, string Campaign) WordsFor(CampaignSpec spec) => spec.Search is null
        ? ("ensemble", "member", "the ensemble does")
        : ("search", "trial", "the trials do");

    private static IEnumerable<string> MissingClasses(CampaignSpec spec, Dataset data, CampaignTestSet testSet, int[] validation, (string Block, string Trial, string Campaign) words)
    {
        var all = ClassCounts(data.Targets, data.ClassCount);
        var test = ClassCounts(testSet.Targets, data.ClassCount);
        var outside = all.Select((n, c) => n - test[c]).ToArray();
        var classes = Enumerable.Range(0, data.ClassCount).ToArray();

        var notTested = classes.Where(c => test[c] == 0).ToArray();
        if (notTested.Length > 0)
        {
            var hint = spec.Test.Stratified ? "use more data or a larger test.fraction" : "test.stratified: true keeps each class's share in it";
            yield return $"test.fraction: the test part has no row of {Classes(notTested)}, so the test metrics cannot show how "
                + $"{words.Campaign} on {ItOrThem(notTested)}: {hint}";
        }
        var notTrained = classes.Where(c => outside[c] == 0).ToArray();
        if (notTrained.Length > 0)
            yield return $"test.fraction: every row of {Classes(notTrained)} is in the test part, so no {words.Trial} trains on {ItOrThem(notTrained)}";

        var (_, stratified, _) = spec.Validation;
        // Stratified parts all hold as many rows of each class, and a search's trials share one part: the part at hand
        // says it for all. Only an ensemble's random parts differ, so for them the warning is a chance.
        if (stratified || spec.Search is not null)
        {
            var validated = ClassCounts(Array.ConvertAll(validation, row => data.Targets[row]), data.ClassCount);
            var notValidated = classes.Where(c => validated[c] == 0 && outside[c] > 0).ToArray();
            if (notValidated.Length > 0)
            {
                var hint = stratified ? "use more data or a larger validation_fraction" : $"{words.Block}.stratified: true keeps each class's share in it";
                yield return $"{words.Block}.validation_fraction: no {words.Trial}'s validation part has a row of {Classes(notValidated)}, so the "
                    + $"{words.Trial}s' validation metrics and early stopping ignore {ItOrThem(notValidated)}: {hint}";
            }
            yield break;
        }
        var pool = outside.Sum();
        foreach (var c in classes.Where(c => outside[c] > 0))
        {
            var chance = ChanceToMissAll(pool, validation.Length, outside[c]);
            if (chance < MissingClassChance) continue;
            yield return $"ensemble.validation_fraction: a member's validation part ({Rows(validation.Length)} drawn at random from the "
                + $"{pool} outside the test part) has no row of class {c} with a chance of {chance.ToString("0%", CultureInfo.InvariantCulture)}: "
                + "ensemble.stratified: true keeps each class's share in it";
        }
    }

    /// <summary>The chance that <paramref name="drawn"/> rows drawn without replacement from <paramref name="rows"/> miss all <paramref name="marked"/> of them.</summary>
    private static double ChanceToMissAll(int rows, int drawn, int marked)
    {
        var chance = 1.0;
        for (var j = 0; j < marked && chance > 0; j++) chance *= Math.Max(0, rows - drawn - j) / (double)(rows - j);
        return chance;
    }

    private static int[] ClassCounts(IEnumerable<float> labels, int classCount)
    {
        var counts = new int[classCount];
        foreach (var label in labels) counts[(int)label]++;
        return counts;
    }

    private static string Classes(int[] classes) =>
        classes.Length == 1 ? $"class {classes[0]}" : $"classes {string.Join(", ", classes)}";

    private static string ItOrThem(int[] classes) => classes.Length == 1 ? "it" : "them";

    private static string Rows(int count) => count == 1 ? "1 row" : $"{count} rows";
}
