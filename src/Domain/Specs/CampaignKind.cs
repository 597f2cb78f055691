namespace EnsembleFarm.Domain.Specs;

/// <summary>
/// What a campaign runs. Every kind trains the same kind of model on the same data from the same blocks
/// (dataset, test, model, training); a search varies some of those settings, and an ensemble can train the best
/// configurations a search found.
/// </summary>
public enum CampaignKind
{
    /// <summary>N members with the same settings, each with its own split and initialisation seeds.</summary>
    Ensemble,

    /// <summary>Trials whose settings a sampler chooses from a search space, to find the best configuration.</summary>
    Search,

    /// <summary>A search over the built-in trainer's architecture (depth, per-layer widths, activation, …), with training settings beside it.</summary>
    Nas,
}
