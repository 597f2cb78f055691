namespace EnsembleFarm.Domain.Search;

/// <summary>Settings of <see cref="RandomSampler"/>.</summary>
public sealed record RandomSamplerOptions
{
    public ulong Seed { get; init; }
}

/// <summary>
/// Independent uniform draws (log-uniform on log scales). The baseline every other sampler must beat, the
/// start-up phase of the model-based ones, and a fine choice for a first look or a very parallel farm.
/// </summary>
public sealed class RandomSampler(RandomSamplerOptions? options = null) : ISampler
{
    private readonly ulong _seed = (options ?? new()).Seed;

    public Suggestion Suggest(SearchContext context)
    {
        var rng = SpaceSampling.RngFor(_seed, context);
        return new Suggestion(SpaceSampling.NewUniform(context, rng));
    }
}
