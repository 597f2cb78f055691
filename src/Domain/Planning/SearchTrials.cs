using EnsembleFarm.Domain.Search;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Models;
using EnsembleFarm.Store;

namespace EnsembleFarm.Domain.Planning;

/// <summary>
/// How a search's trials are made, whether planned at submission (the enqueued configurations) or created later by the
/// campaign grain from the sampler's suggestions: one rule for both, so a trial is the same whoever creates it.
/// </summary>
public static class SearchTrials
{
    /// <summary>The stream of the campaign seed that seeds the search's one split ("split" in ASCII).</summary>
    private const ulong SplitStream = 0x73706C6974UL;

    /// <summary>The stream of the campaign seed under which trial n's initialisation seed is stream n ("init" in ASCII).</summary>
    private const ulong InitStreams = 0x696E6974UL;

    /// <summary>
    /// The seeds of trial <paramref name="trialNumber"/> of a search or nas campaign. The split seed is the same for
    /// every trial, <c>Rng.Derive(seed, "split")</c>: all configurations train and validate on the same rows, so their
    /// results differ by their settings, not by their data. The initialisation seed is the trial's own,
    /// <c>Rng.Derive(Rng.Derive(seed, "init"), n)</c>, and depends only on its number (the streams are the ASCII codes
    /// of the words, apart from the ensemble members' streams 0, 1, 2, …).
    /// </summary>
    /// <exception cref="ArgumentException">The spec is an ensemble's.</exception>
    public static (ulong SplitSeed, ulong InitSeed) SeedsFor(CampaignSpec spec, int trialNumber)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfNegative(trialNumber);
        if (spec.Search is null)
            throw new ArgumentException($"campaign spec '{spec.Name}' is an {spec.KindName}; search trials belong to search and nas campaigns", nameof(spec));
        return (Rng.Derive(spec.Seed, SplitStream), Rng.Derive(Rng.Derive(spec.Seed, InitStreams), (ulong)trialNumber));
    }

    /// <summary>Trial <paramref name="trialNumber"/> of a search, training <paramref name="parameters"/> (stored as <see cref="SearchParameters.ToJson"/>).</summary>
    /// <exception cref="ArgumentException">The spec is an ensemble's, or the parameters are not an assignment of its search space.</exception>
    public static NewTrial Create(CampaignSpec spec, int trialNumber, IReadOnlyDictionary<string, ParamValue> parameters)
    {
        var (splitSeed, initSeed) = SeedsFor(spec, trialNumber);
        ArgumentNullException.ThrowIfNull(parameters);
        if (spec.Search!.Space.Check(parameters) is { Count: > 0 } problems)
            throw new ArgumentException($"trial {trialNumber}'s parameters do not belong to the search space: {string.Join("; ", problems)}", nameof(parameters));
        return new NewTrial(trialNumber, SearchParameters.ToJson(parameters), splitSeed, initSeed, spec.Resources.Slots, Gpus: spec.Resources.Gpus);
    }
}
