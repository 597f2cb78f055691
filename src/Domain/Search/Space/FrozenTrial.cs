using System.Collections.ObjectModel;
using EnsembleFarm.Store;

namespace EnsembleFarm.Domain.Search;

/// <summary>
/// A trial as samplers and pruners see it: a snapshot they cannot change (Optuna's FrozenTrial). The
/// state is the store's (<see cref="TrialState"/>): queued and running trials are the pending ones,
/// whose parameters are taken but whose result is unknown; failed and cancelled trials count only as
/// points already taken.
/// </summary>
/// <param name="Number">The trial's number in its search (0-based; the store's trial index).</param>
/// <param name="Params">The active parameters only (see <see cref="SearchSpace.Resolve"/>).</param>
public sealed record FrozenTrial(int Number, TrialState State, IReadOnlyDictionary<string, ParamValue> Params)
{
    private static readonly IReadOnlyDictionary<int, double> NoSteps = new ReadOnlyDictionary<int, double>(new Dictionary<int, double>());
    private static readonly IReadOnlyDictionary<string, string> NoAttributes = new ReadOnlyDictionary<string, string>(new Dictionary<string, string>());

    /// <summary>The final value of each objective, in the search's objective order; set when completed.</summary>
    public IReadOnlyList<double> Values { get; init; } = [];

    /// <summary>The first objective's metric by step (epoch): the learning curve the pruners read. A pruned trial keeps it.</summary>
    public IReadOnlyDictionary<int, double> IntermediateValues { get; init; } = NoSteps;

    /// <summary>What the sampler that suggested the trial wrote with it (<see cref="Suggestion.Attributes"/>): a CMA-ES generation, a Sobol index.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = NoAttributes;

    /// <summary>The step at which the pruner stopped the trial, when it did.</summary>
    public int? PrunedStep { get; init; }

    /// <summary>Why the pruner stopped the trial, in words a user reads in <c>farm results</c>.</summary>
    public string? PruneReason { get; init; }

    /// <summary>The single objective's value; null unless completed.</summary>
    public double? Value => Values.Count > 0 ? Values[0] : null;

    /// <summary>Queued or running: its parameters are taken, its result is not known yet.</summary>
    public bool IsPending => State is TrialState.Queued or TrialState.Running;

    /// <summary>The latest step reported, or null before the first report.</summary>
    public int? LastStep => IntermediateValues.Count == 0 ? null : IntermediateValues.Keys.Max();

    /// <summary>Completed with a finite value for every objective: a result a model can learn from.</summary>
    public bool HasResult(int objectives) =>
        State == TrialState.Completed && Values.Count == objectives && Values.All(double.IsFinite);

    /// <summary>The trial marked pruned by <paramref name="decision"/>, its learning curve kept.</summary>
    public FrozenTrial Pruned(PruneDecision decision)
    {
        if (!decision.Prune) throw new ArgumentException("the decision was to continue, not to prune", nameof(decision));
        return this with { State = TrialState.Pruned, PrunedStep = decision.Step, PruneReason = decision.Reason };
    }
}
