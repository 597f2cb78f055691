using EnsembleFarm.Domain.Search;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Store;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Nn;

namespace EnsembleFarm.Domain.Planning;

/// <summary>
/// What a campaign's submission writes to the store: its held-out test part and its first trials.
/// Deterministic: the same spec and data give the same plan on every machine.
/// </summary>
/// <param name="TestSet">The rows every trial is scored on, drawn once with the spec's test seed.</param>
/// <param name="Trials">
/// An ensemble: one trial per member (per member and configuration, from a search), in index order. A search: its
/// enqueued configurations, trials 0, 1, …; the campaign grain creates the others as the sampler suggests them, so a
/// search without enqueued configurations plans no trial at all.
/// </param>
public sealed record CampaignPlan(CampaignTestSet TestSet, IReadOnlyList<NewTrial> Trials)
{
    /// <summary>The parameters of an ensemble member: none, every member trains the spec's settings.</summary>
    public const string EnsembleMemberParams = SearchParameters.None;

    /// <summary>
    /// Plans a campaign. Ensemble member i gets split seed <c>Rng.Derive(seed, 2i)</c> and initialisation seed
    /// <c>Rng.Derive(seed, 2i + 1)</c> from the campaign seed, so members are independent, and a member's seeds do not
    /// depend on how many members the ensemble has. An ensemble from a search trains <c>members</c> members per
    /// configuration: member m of configuration c is trial c × members + m, seeded by that index the same way. A
    /// search's trials are seeded by <see cref="SearchTrials.SeedsFor"/>.
    /// </summary>
    /// <param name="configurations">
    /// The best configurations of the search an ensemble names in <c>ensemble.from_search</c>, best first, at most
    /// <c>top</c> of them (the farm looks them up in the store); null for any other campaign.
    /// </param>
    /// <exception cref="SpecException">
    /// The spec does not fit the data (too few rows to split; rows left after the test part; one class weight per class),
    /// or it names a search and no configuration of it is given, or one does not fit the spec.
    /// </exception>
    /// <exception cref="ArgumentException">
    /// The data was read for another task than the spec's; configurations are given to a campaign that does not name a
    /// search, or more than it asks for.
    /// </exception>
    public static CampaignPlan Create(CampaignSpec spec, Dataset data, IReadOnlyList<IReadOnlyDictionary<string, ParamValue>>? configurations = null)
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

        if (spec.Search is { } search)
        {
            if (configurations is not null)
                throw new ArgumentException($"configurations of a search are given to {spec.KindName} campaign '{spec.Name}', which trains its own", nameof(configurations));
            return new CampaignPlan(testSet, search.Enqueued.Select((parameters, i) => SearchTrials.Create(spec, i, parameters)).ToList());
        }
        var ensemble = spec.Ensemble!;
        var parameterSets = MemberParameters(spec, ensemble, configurations);
        var trials = new NewTrial[parameterSets.Count * ensemble.Members];
        for (var i = 0; i < trials.Length; i++)
        {
            var stream = 2UL * (ulong)i;
            trials[i] = new NewTrial(i, parameterSets[i / ensemble.Members], Rng.Derive(spec.Seed, stream), Rng.Derive(spec.Seed, stream + 1), spec.Resources.Slots,
                Gpus: spec.Resources.Gpus);
        }
        return new CampaignPlan(testSet, trials);
    }

    /// <summary>The parameters each group of members trains, as stored: none, or one configuration of a search per group.</summary>
    private static IReadOnlyList<string> MemberParameters(CampaignSpec spec, EnsembleSpec ensemble, IReadOnlyList<IReadOnlyDictionary<string, ParamValue>>? configurations)
    {
        if (ensemble.FromSearch is not { } from)
        {
            return configurations is null
                ? [EnsembleMemberParams]
                : throw new ArgumentException($"configurations of a search are given to campaign '{spec.Name}', whose ensemble names no from_search", nameof(configurations));
        }
        if (configurations is null || configurations.Count == 0)
        {
            throw new SpecException([new SpecError("ensemble.from_search",
                $"no configuration of search campaign {from.CampaignId} was given; the farm passes that search's best {from.Top} "
                + "completed configurations, so it needs a search with at least one completed trial")]);
        }
        if (configurations.Count > from.Top)
            throw new ArgumentException($"{configurations.Count} configurations are given, but ensemble.from_search asks for the best {from.Top}", nameof(configurations));
        var errors = new List<SpecError>();
        for (var c = 0; c < configurations.Count; c++)
        {
            try
            {
                spec.ForTrial(configurations[c]);
            }
            catch (ArgumentException e)
            {
                errors.Add(new SpecError("ensemble.from_search", $"configuration {c + 1} of search campaign {from.CampaignId} does not fit this spec: {e.Message}"));
            }
        }
        return errors.Count > 0 ? throw new SpecException(errors) : configurations.Select(SearchParameters.ToJson).ToList();
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
