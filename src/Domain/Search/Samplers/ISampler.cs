namespace EnsembleFarm.Domain.Search;

/// <summary>
/// Suggests the parameters of a search's next trial from the trials so far (Optuna's BaseSampler).
/// <para>
/// Why one method: Optuna splits sampling into a joint ("relative") part for model-based samplers and a
/// per-parameter ("independent") part for the rest, because its trials ask for parameters one at a time
/// inside user code. Here the space is declared up front, so a sampler can always suggest the complete
/// assignment at once; each sampler decides inside how it handles the parameters its model does not
/// cover (documented per sampler).
/// </para>
/// <para>
/// The contract every sampler keeps:
/// <list type="bullet">
/// <item>The assignment holds exactly the active parameters of the space (<see cref="SearchSpace.Resolve"/>).</item>
/// <item>It is a point no trial has taken, pending ones included, whenever the space has one left; when
/// none is left it throws <see cref="SearchExhaustedException"/>. Several silos asking at once therefore
/// never get the same point; model-based samplers go further and count pending trials as observations
/// with a pessimistic made-up result (constant liar), so parallel suggestions spread out.</item>
/// <item>It depends only on the sampler's options (seed included) and the context: no clock, no shared
/// random state, no memory of earlier calls. The same history gives the same suggestion, and a sampler
/// rebuilt after a restart continues exactly where the lost one was. What a sampler must remember about
/// its own suggestions travels with the trials (<see cref="Suggestion.Attributes"/>). What a sampler keeps between
/// calls is a cache of work on trials the next context still holds, and never changes a suggestion (TPE keeps its
/// trials' encodings, <see cref="EncodedTrials"/>).</item>
/// </list>
/// </para>
/// </summary>
public interface ISampler
{
    /// <exception cref="SearchExhaustedException">No point of the space (or of the grid) is left.</exception>
    /// <exception cref="NotSupportedException">The sampler does not handle this many objectives.</exception>
    Suggestion Suggest(SearchContext context);
}
