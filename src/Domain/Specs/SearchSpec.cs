using EnsembleFarm.Domain.Search;

namespace EnsembleFarm.Domain.Specs;

/// <summary>
/// The <c>search:</c> block of a search or nas campaign, validated: what a trial may vary (every parameter is a spec
/// field, set on the base spec by <see cref="CampaignSpec.ForTrial"/>), what is optimised, how the next trial is
/// chosen and pruned, and when to stop. The campaign's other blocks are the base every trial starts from.
/// </summary>
/// <param name="Space">
/// The parameters, named by their spec field ("training.optimizer.learning_rate"); a nas campaign's architecture
/// becomes <c>model.depth</c> and <c>model.width_1</c> … <c>model.width_N</c> (width k active when depth ≥ k), with
/// <c>model.activation</c>, <c>model.dropout</c>, <c>model.batch_norm</c>, <c>model.residual</c> when searched.
/// </param>
/// <param name="Objectives">
/// What a completed trial is judged by, read from its final metrics by name: an epoch metric ("val_loss", "val_auc"),
/// or for nas <see cref="ParametersMetric"/> and <see cref="LatencyMetric"/>. Pruners act on the first.
/// </param>
/// <param name="Enqueued">Configurations to try first, in order, as trials 0, 1, …; each holds exactly the parameters the space makes active.</param>
/// <param name="ValidationFraction">The share of the non-test rows every trial validates on (the same rows for all trials).</param>
/// <param name="Stratified">Keep each class's share in that validation part (classification only).</param>
public sealed record SearchSpec(
    SearchSpace Space,
    IReadOnlyList<Objective> Objectives,
    SamplerSpec Sampler,
    PrunerSpec? Pruner,
    SearchBudget Budget,
    IReadOnlyList<IReadOnlyDictionary<string, ParamValue>> Enqueued,
    double ValidationFraction,
    bool Stratified)
{
    /// <summary>The objective metric of a nas campaign that counts the model's trainable parameters.</summary>
    public const string ParametersMetric = "parameters";

    /// <summary>The objective metric of a nas campaign that times a prediction: microseconds per row.</summary>
    public const string LatencyMetric = "latency_us";

    /// <summary>A new sampler as the spec chose it (tpe by default), seeded from <c>search.sampler.seed</c> or the campaign seed.</summary>
    public ISampler CreateSampler() => Sampler.Create();

    /// <summary>A new pruner as the spec chose it; null when the spec has none (trials always run to their end).</summary>
    public IPruner? CreatePruner() => Pruner?.Create();
}
