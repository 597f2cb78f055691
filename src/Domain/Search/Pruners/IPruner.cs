namespace EnsembleFarm.Domain.Search;

/// <summary>
/// Decides, after each epoch a running trial reports, whether to stop it because its learning curve is
/// not promising: the farm spends its slots on the trials that may win (Optuna's BasePruner.prune).
/// A pruner keeps no state: everything it needs is in the trials' learning curves
/// (<see cref="FrozenTrial.IntermediateValues"/>), so a campaign grain rebuilt after a restart decides
/// exactly as before. Pruning applies to the search's first objective, whose metric the curves hold.
/// </summary>
public interface IPruner
{
    /// <param name="trial">The running trial, with its latest report as its last step.</param>
    /// <param name="others">The search's other trials in any state (the trial itself, if present, is ignored).</param>
    /// <param name="objective">The metric the curves hold and which way is better.</param>
    PruneDecision Decide(FrozenTrial trial, IReadOnlyList<FrozenTrial> others, Objective objective);
}
