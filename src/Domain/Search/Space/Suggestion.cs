using System.Collections.ObjectModel;

namespace EnsembleFarm.Domain.Search;

/// <summary>
/// A sampler's answer: the new trial's parameters, and attributes to store with the trial. The attributes
/// carry what a sampler must know about its own past suggestions (the CMA-ES generation a point was drawn
/// for, the Sobol index used) so that samplers keep no state of their own: one rebuilt from the store after
/// a restart suggests exactly what the lost one would have.
/// </summary>
public sealed record Suggestion(IReadOnlyDictionary<string, ParamValue> Params)
{
    private static readonly IReadOnlyDictionary<string, string> NoAttributes = new ReadOnlyDictionary<string, string>(new Dictionary<string, string>());

    private readonly IReadOnlyDictionary<string, string> _attributes = NoAttributes;

    /// <summary>Copied on assignment, so the sampler's dictionary cannot change the suggestion afterwards.</summary>
    public IReadOnlyDictionary<string, string> Attributes
    {
        get => _attributes;
        init => _attributes = new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(value, StringComparer.Ordinal));
    }
}
