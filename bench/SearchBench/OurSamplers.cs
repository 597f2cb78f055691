using EnsembleFarm.Domain.Search;

namespace EnsembleFarm.SearchBench;

/// <summary>Our samplers as a spec gets them: every option at its default, only the seed set.</summary>
internal static class OurSamplers
{
    public static readonly string[] Names = ["random", "tpe", "gp", "cmaes"];

    public static ISampler Make(string name, ulong seed) => name switch
    {
        "random" => new RandomSampler(new() { Seed = seed }),
        "tpe" => new TpeSampler(new() { Seed = seed }),
        "gp" => new GpSampler(new() { Seed = seed }),
        "cmaes" => new CmaEsSampler(new() { Seed = seed }),
        _ => throw new ArgumentException($"unknown sampler '{name}'; this bench runs {string.Join(", ", Names)}"),
    };
}
