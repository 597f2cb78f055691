using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.Store;

namespace EnsembleFarm.Domain.Search;

/// <summary>
/// What <c>farm results</c> shows of a search or nas campaign: its best trials, the optimisation history, which
/// parameters mattered, how completed and pruned trials learned, and for several objectives the Pareto front.
/// Serialised as the ensemble report is (<see cref="EnsembleReport.JsonOptions"/>), states and directions by name.
/// </summary>
/// <param name="Budget">The trials the spec allows in all.</param>
/// <param name="Best">The best completed trials, best first (<see cref="StoredSearch.Ranked"/>).</param>
/// <param name="History">Each completed trial in trial order with the best first-objective value so far.</param>
/// <param name="Importance">Share of the first objective's variation each parameter explains; null when <see cref="ImportanceNote"/> says why.</param>
/// <param name="Curves">The first objective by epoch: the median over completed trials beside the median over pruned ones.</param>
/// <param name="ParetoFront">The non-dominated completed trials when there are several objectives; empty otherwise.</param>
/// <param name="Trials">Every trial, in trial order.</param>
public sealed record SearchReport(
    IReadOnlyList<Objective> Objectives,
    int Budget,
    CampaignProgress Progress,
    IReadOnlyList<SearchTrialLine> Best,
    IReadOnlyList<HistoryPoint> History,
    IReadOnlyDictionary<string, double>? Importance,
    string? ImportanceNote,
    IReadOnlyList<CurvePoint> Curves,
    IReadOnlyList<SearchTrialLine> ParetoFront,
    IReadOnlyList<SearchTrialLine> Trials)
{
    /// <summary>How many of the best trials the report lists (all of them are in <see cref="Trials"/>).</summary>
    public const int BestShown = 10;

    public static SearchReport Of(StoredSearch search)
    {
        ArgumentNullException.ThrowIfNull(search);
        var objectives = search.Search.Objectives;
        var ranked = search.Ranked();
        var lines = search.Trials.Zip(search.Records, (trial, record) => SearchTrialLine.Of(trial, record)).ToList();
        var byNumber = lines.ToDictionary(l => l.Number);
        var (importance, note) = ImportanceOf(search, ranked.Count);
        return new SearchReport(
            objectives,
            search.Search.Budget.Trials,
            CampaignProgress.Of(search.Records),
            [.. ranked.Take(BestShown).Select(t => byNumber[t.Number])],
            HistoryOf(search.Trials, objectives),
            importance,
            note,
            CurvesOf(search.Trials),
            objectives.Count > 1 ? [.. Search.ParetoFront.Of(search.Trials, objectives).OrderBy(t => objectives[0].Loss(t.Values[0])).Select(t => byNumber[t.Number])] : [],
            lines);
    }

    private static List<HistoryPoint> HistoryOf(IReadOnlyList<FrozenTrial> trials, IReadOnlyList<Objective> objectives)
    {
        var history = new List<HistoryPoint>();
        double? best = null;
        foreach (var trial in trials.Where(t => t.HasResult(objectives.Count)).OrderBy(t => t.Number))
        {
            var value = trial.Values[0];
            if (best is null || objectives[0].IsBetter(value, best.Value)) best = value;
            history.Add(new HistoryPoint(trial.Number, value, best.Value));
        }
        return history;
    }

    private static (IReadOnlyDictionary<string, double>?, string?) ImportanceOf(StoredSearch search, int completed)
    {
        if (completed < MinimumForImportance)
            return (null, $"parameter importance needs at least {MinimumForImportance} completed trials; {completed} so far");
        var importance = ParameterImportance.Evaluate(search.Search.Space, search.Trials, search.Search.Objectives);
        return importance.Count == 0 ? (null, "the space has no parameter that varies") : (importance, null);
    }

    /// <summary>Fewer trials than this leave the surrogate that importance is read from mostly prior.</summary>
    private const int MinimumForImportance = 8;

    private static List<CurvePoint> CurvesOf(IReadOnlyList<FrozenTrial> trials)
    {
        var completed = trials.Where(t => t.State == TrialState.Completed).ToList();
        var pruned = trials.Where(t => t.State == TrialState.Pruned).ToList();
        var epochs = completed.Concat(pruned).SelectMany(t => t.IntermediateValues.Keys).Distinct().Order();
        return [.. epochs.Select(epoch => new CurvePoint(epoch, MedianAt(completed, epoch), MedianAt(pruned, epoch)))];
    }

    private static GroupMedian? MedianAt(IEnumerable<FrozenTrial> trials, int epoch)
    {
        var values = trials.Select(t => t.IntermediateValues.TryGetValue(epoch, out var v) ? v : double.NaN).Where(double.IsFinite).Order().ToList();
        return values.Count == 0 ? null : new GroupMedian((values[(values.Count - 1) / 2] + values[values.Count / 2]) / 2, values.Count);
    }

    private static readonly JsonSerializerOptions JsonOptions = new(EnsembleReport.JsonOptions)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}

/// <summary>One trial of a search: its parameters, the objectives' values when it completed, and how it ended.</summary>
/// <param name="Values">The objectives' values, in the spec's order; empty unless the trial completed with all of them.</param>
/// <param name="Epochs">Epochs stored for its current attempt.</param>
public sealed record SearchTrialLine(int Number, long TrialId, TrialState State, IReadOnlyList<double> Values,
    JsonObject Params, int Epochs, int? PrunedStep, string? Error)
{
    public static SearchTrialLine Of(FrozenTrial trial, TrialRecord record)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(record);
        return new SearchTrialLine(trial.Number, record.Id, trial.State, trial.Values,
            JsonNode.Parse(SearchParameters.ToJson(trial.Params))!.AsObject(), trial.IntermediateValues.Count, trial.PrunedStep, record.Error);
    }
}

/// <param name="Value">The trial's first objective.</param>
/// <param name="BestSoFar">The best first objective over this trial and those of lower numbers.</param>
public sealed record HistoryPoint(int Number, double Value, double BestSoFar);

/// <summary>The first objective at one epoch; a group is null when none of its trials reached that epoch.</summary>
public sealed record CurvePoint(int Epoch, GroupMedian? Completed, GroupMedian? Pruned);

/// <param name="Trials">How many trials of the group stored this epoch.</param>
public sealed record GroupMedian(double Median, int Trials);
