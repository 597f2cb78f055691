using System.Text.Json;
using EnsembleFarm.Domain.Planning;
using EnsembleFarm.Domain.Search;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;

namespace EnsembleFarm.Grains.Searching;

/// <summary>
/// A search's mind, held by its campaign grain: the sampler that proposes the next trials, the pruner that judges
/// running ones, and the trials as both see them, rebuilt from the store (parameters, sampler notes, objective values
/// from the final metrics, learning curves). Samplers and pruners keep no state of their own, so a grain rebuilt after a
/// restart proposes and prunes exactly as the lost one would have. One grain serves suggestions one at a time, each
/// seeing the earlier ones as pending trials: silos asking at once never get the same point.
/// </summary>
internal sealed class CampaignSearch
{
    private readonly CampaignSpec _spec;
    private readonly SearchSpec _search;
    private readonly ISampler _sampler;
    private readonly IPruner? _pruner;
    private readonly Dictionary<long, (FrozenTrial Trial, int Attempt, DateTimeOffset? FinishedAt)> _trials = [];

    public CampaignSearch(CampaignSpec spec)
    {
        _spec = spec;
        _search = spec.Search ?? throw new ArgumentException($"campaign '{spec.Name}' is an {spec.KindName}, not a search", nameof(spec));
        _sampler = _search.CreateSampler();
        _pruner = _search.CreatePruner();
    }

    public SearchSpec Spec => _search;

    /// <summary>The trials as the sampler and the pruner see them, by trial number.</summary>
    public IReadOnlyList<FrozenTrial> Trials => [.. _trials.Values.Select(t => t.Trial).OrderBy(t => t.Number)];

    /// <summary>Sees the stored search: every trial with its results and curve.</summary>
    public void Observe(StoredSearch stored)
    {
        _trials.Clear();
        for (var i = 0; i < stored.Records.Count; i++)
            _trials[stored.Records[i].Id] = (stored.Trials[i], stored.Records[i].Attempt, stored.Records[i].FinishedAt);
    }

    /// <summary>
    /// Sees a trial as the store now holds it, with its final metrics when it completed. The curve of the same attempt
    /// is kept (the grain heard it epoch by epoch); a new attempt starts afresh.
    /// </summary>
    public void Observe(TrialRecord trial, IReadOnlyDictionary<string, double>? finalMetrics = null)
    {
        var known = _trials.GetValueOrDefault(trial.Id);
        var steps = known.Trial is not null && known.Attempt == trial.Attempt ? known.Trial.IntermediateValues : new Dictionary<int, double>();
        var frozen = StoredSearch.Freeze(trial, _search, finalMetrics, steps);
        if (frozen.State == TrialState.Completed && finalMetrics is null && known.Trial is not null) frozen = frozen with { Values = known.Trial.Values };
        _trials[trial.Id] = (frozen, trial.Attempt, trial.FinishedAt);
    }

    /// <summary>True when the store holds <paramref name="trial"/> in another state or attempt than this search last saw.</summary>
    public bool IsStale(TrialRecord trial) =>
        !_trials.TryGetValue(trial.Id, out var known) || known.Attempt != trial.Attempt || known.Trial.State != trial.State;

    /// <summary>
    /// The pruner's word on a running trial after the epochs its silo stored: null to go on. Reports of an attempt that
    /// is no longer the trial's current one are ignored (the store refuses its writes anyway).
    /// </summary>
    public PruneVerdict? Judge(long trialId, int attempt, IReadOnlyList<TrialEpoch> epochs)
    {
        if (!_trials.TryGetValue(trialId, out var known) || known.Attempt != attempt) return null;
        var metric = _search.Objectives[0].Metric;
        var steps = new Dictionary<int, double>(known.Trial.IntermediateValues);
        foreach (var epoch in epochs)
            if (epoch.Metrics.TryGetValue(metric, out var value)) steps[epoch.Epoch] = value;
        var trial = known.Trial with { IntermediateValues = steps };
        _trials[trialId] = known with { Trial = trial };
        if (_pruner is null || steps.Count == 0) return null;
        var decision = _pruner.Decide(trial, Trials, _search.Objectives[0]);
        return decision.Prune ? new PruneVerdict(decision.Step ?? trial.LastStep!.Value, decision.Reason ?? "pruned") : null;
    }

    /// <summary>Why no new trial will start any more (the search is done), or null while it may go on.</summary>
    public string? Done(DateTimeOffset startedAt, DateTimeOffset now)
    {
        var budget = _search.Budget;
        if (_trials.Count >= budget.Trials) return $"its budget of {budget.Trials} trials is spent";
        if (budget.TimeLimit is { } limit && now - startedAt >= limit) return $"its time limit of {limit} is reached";
        if (budget.StopAfterNoImprovement is { } patience && CompletionsSinceBest() >= patience)
            return $"the best has not improved in the last {patience} completed trials";
        return null;
    }

    /// <summary>How many new trials may start now: what the budget and the parallelism leave (0 when done).</summary>
    public int Room(DateTimeOffset startedAt, DateTimeOffset now)
    {
        if (Done(startedAt, now) is not null) return 0;
        var room = _search.Budget.Trials - _trials.Count;
        if (_search.Budget.Parallelism is { } parallel) room = Math.Min(room, parallel - _trials.Values.Count(t => t.Trial.IsPending));
        return Math.Max(0, room);
    }

    /// <summary>
    /// Up to <paramref name="wanted"/> new trials, each suggested seeing the ones before it as pending; fewer when the
    /// room runs out, or when the sampler has covered the whole space (then <paramref name="exhausted"/> says so).
    /// </summary>
    public IReadOnlyList<NewTrial> Propose(int wanted, DateTimeOffset startedAt, DateTimeOffset now, out string? exhausted)
    {
        exhausted = null;
        var trials = Trials.ToList();
        var proposed = new List<NewTrial>();
        var room = Math.Min(wanted, Room(startedAt, now));
        while (proposed.Count < room)
        {
            var number = trials.Count == 0 ? 0 : trials.Max(t => t.Number) + 1;
            Suggestion suggestion;
            try
            {
                suggestion = _sampler.Suggest(new SearchContext(_search.Space, _search.Objectives, trials, number));
            }
            catch (SearchExhaustedException e)
            {
                exhausted = e.Message;
                break;
            }
            var trial = SearchTrials.Create(_spec, number, suggestion.Params) with
            {
                AttributesJson = suggestion.Attributes.Count == 0 ? null : JsonSerializer.Serialize(suggestion.Attributes),
            };
            proposed.Add(trial);
            trials.Add(new FrozenTrial(number, TrialState.Queued, suggestion.Params) { Attributes = suggestion.Attributes });
        }
        return proposed;
    }

    /// <summary>The budget and the best first-objective value so far, for watchers.</summary>
    public SearchStanding Standing()
    {
        var objective = _search.Objectives[0];
        var best = _trials.Values.Select(t => t.Trial).Where(t => t.HasResult(_search.Objectives.Count))
            .MinBy(t => (objective.Loss(t.Values[0]), t.Number));
        return new SearchStanding(_search.Budget.Trials, objective.Metric, best?.Values[0], best?.Number);
    }

    /// <summary>Completed trials since the one that holds the best value so far, in the order they completed.</summary>
    private int CompletionsSinceBest()
    {
        var objective = _search.Objectives[0];
        var completed = _trials.Values
            .Where(t => t.Trial.HasResult(_search.Objectives.Count))
            .OrderBy(t => t.FinishedAt).ThenBy(t => t.Trial.Number)
            .Select(t => t.Trial.Value!.Value)
            .ToList();
        if (completed.Count == 0) return 0;
        var best = 0;
        for (var i = 1; i < completed.Count; i++)
            if (objective.Direction == Direction.Minimize ? completed[i] < completed[best] : completed[i] > completed[best]) best = i;
        return completed.Count - 1 - best;
    }
}
