using EnsembleFarm.Domain.Search;

namespace EnsembleFarm.Domain.Specs;

/// <summary>
/// The sampler a search asks for each new trial's parameters, as the spec chose it (<c>search.sampler</c>). It holds
/// the options rather than a sampler, because a sampler is rebuilt wherever the search is served (samplers keep no
/// state, see <see cref="ISampler"/>).
/// </summary>
public sealed record SamplerSpec
{
    internal SamplerSpec(string name, object options)
    {
        Name = name;
        Options = options;
    }

    /// <summary>The name the spec uses: random, grid, sobol, tpe, gp, cmaes, regularized_evolution or nsga2.</summary>
    public string Name { get; }

    /// <summary>The sampler's options record (<see cref="TpeSamplerOptions"/> for tpe, …), seed included.</summary>
    public object Options { get; }

    /// <summary>A new sampler with these options.</summary>
    public ISampler Create() => Options switch
    {
        RandomSamplerOptions options => new RandomSampler(options),
        GridSamplerOptions options => new GridSampler(options),
        SobolSamplerOptions options => new SobolSampler(options),
        TpeSamplerOptions options => new TpeSampler(options),
        GpSamplerOptions options => new GpSampler(options),
        CmaEsSamplerOptions options => new CmaEsSampler(options),
        RegularizedEvolutionSamplerOptions options => new RegularizedEvolutionSampler(options),
        NsgaIISamplerOptions options => new NsgaIISampler(options),
        _ => throw new InvalidOperationException($"{Options.GetType().Name} is not the options of a sampler"),
    };
}
