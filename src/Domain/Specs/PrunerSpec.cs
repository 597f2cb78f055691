using EnsembleFarm.Domain.Search;

namespace EnsembleFarm.Domain.Specs;

/// <summary>The pruner that may stop a search's unpromising trials after an epoch, as the spec chose it (<c>search.pruner</c>).</summary>
public sealed record PrunerSpec
{
    internal PrunerSpec(string name, object options)
    {
        Name = name;
        Options = options;
    }

    /// <summary>The name the spec uses: median, percentile, successive_halving or hyperband.</summary>
    public string Name { get; }

    /// <summary>The pruner's options record (<see cref="MedianPrunerOptions"/> for median, …).</summary>
    public object Options { get; }

    /// <summary>A new pruner with these options.</summary>
    public IPruner Create() => Options switch
    {
        MedianPrunerOptions options => new MedianPruner(options),
        PercentilePrunerOptions options => new PercentilePruner(options),
        SuccessiveHalvingPrunerOptions options => new SuccessiveHalvingPruner(options),
        HyperbandPrunerOptions options => new HyperbandPruner(options),
        _ => throw new InvalidOperationException($"{Options.GetType().Name} is not the options of a pruner"),
    };
}
