using EnsembleFarm.Models;
using EnsembleFarm.Store;

namespace EnsembleFarm.Domain.Search;

/// <summary>
/// What every sampler shares: drawing a uniform random assignment, and making sure a suggestion is new.
/// Samplers offer their candidates best first; the first one no trial has taken (in any state, pending
/// included) is returned. If the sampler's own candidates are all taken, uniform random draws follow, then,
/// for a finite space, a walk over the space; only a space whose every point is taken ends the search.
/// </summary>
internal static class SpaceSampling
{
    public const int RandomDraws = 64;

    /// <summary>A uniform draw: each active parameter uniform in its own sense (log-uniform, every whole number alike, every choice alike).</summary>
    public static IReadOnlyDictionary<string, ParamValue> Uniform(SearchSpace space, Rng rng) =>
        space.Resolve((p, _) => p.Distribution.FromUnit(rng.NextDouble()));

    /// <summary>The random stream of one suggestion: derived from the seed and the trial number only, so the same history gives the same answer.</summary>
    public static Rng RngFor(ulong seed, SearchContext context, ulong salt = 0) =>
        new(Rng.Derive(seed ^ salt, (ulong)context.TrialNumber));

    /// <summary>
    /// An identity of an assignment for the duplicate check: two independent 64-bit hashes of its
    /// (name, value) pairs, combined so that the order of the pairs does not matter and numbers count by value
    /// whatever their kind. Hashing rather than formatting text keeps the check cheap when it runs over every
    /// trial of a long search at each suggestion; a false match of 128 bits is not a practical concern.
    /// </summary>
    public static UInt128 Key(IReadOnlyDictionary<string, ParamValue> values)
    {
        ulong a = 0, b = 0;
        foreach (var (name, value) in values)
        {
            var (h1, h2) = Hash(name, 0x9E3779B97F4A7C15UL);
            ulong v1, v2;
            switch (value.Kind)
            {
                case ParamKind.Float or ParamKind.Int:
                    var x = value.AsDouble();
                    var bits = (ulong)BitConverter.DoubleToInt64Bits(x == 0 ? 0.0 : x);
                    (v1, v2) = (Mix(bits ^ 0x6E756D), Mix(bits ^ 0x4E554D424552));
                    break;
                case ParamKind.Bool:
                    (v1, v2) = value.AsBool() ? (Mix(0x74727565), Mix(0x54525545)) : (Mix(0x66616C7365), Mix(0x46414C5345));
                    break;
                default:
                    (v1, v2) = Hash(value.AsText(), 0xD6E8FEB86659FD93UL);
                    break;
            }
            a += Mix(h1 ^ Mix(v1));
            b += Mix(h2 ^ Mix(v2 + 0x632BE59BD9B4E019UL));
        }
        return new UInt128(a, b);
    }

    private static (ulong, ulong) Hash(string text, ulong seed)
    {
        ulong h1 = seed, h2 = ~seed;
        foreach (var c in text)
        {
            h1 = Mix(h1 ^ c);
            h2 = Mix(h2 + c * 0x9E3779B97F4A7C15UL);
        }
        return (Mix(h1 ^ (ulong)text.Length), Mix(h2 + (ulong)text.Length));
    }

    /// <summary>SplitMix64's finaliser.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static HashSet<UInt128> Taken(SearchContext context) =>
        context.Trials.Select(t => Key(t.Params)).ToHashSet();

    /// <summary>
    /// The first of <paramref name="candidates"/> (at most <paramref name="maxCandidates"/> looked at) that no
    /// trial has taken, else a new uniform draw, else any free point of a finite space.
    /// </summary>
    /// <param name="taken">The keys of the context's trials, when the sampler keeps them (<see cref="EncodedTrials.Taken"/>).</param>
    /// <exception cref="SearchExhaustedException">Every point of the space is taken.</exception>
    public static IReadOnlyDictionary<string, ParamValue> FirstNew(
        SearchContext context, Rng rng, IEnumerable<IReadOnlyDictionary<string, ParamValue>> candidates, int maxCandidates = 16, HashSet<UInt128>? taken = null)
    {
        taken ??= Taken(context);
        foreach (var candidate in candidates.Take(maxCandidates))
        {
            if (!taken.Contains(Key(candidate))) return candidate;
        }
        return NewUniform(context, rng, taken);
    }

    /// <summary>A uniform draw no trial has taken (or any free point of a finite space).</summary>
    public static IReadOnlyDictionary<string, ParamValue> NewUniform(SearchContext context, Rng rng, HashSet<UInt128>? taken = null)
    {
        taken ??= Taken(context);
        for (var i = 0; i < RandomDraws; i++)
        {
            var draw = Uniform(context.Space, rng);
            if (!taken.Contains(Key(draw))) return draw;
        }
        const long limit = 1_000_000;
        var size = context.Space.CountPoints(limit);
        if (size is null && context.Space.Parameters.Any(p => p.Distribution.Cardinality is null))
            throw new InvalidOperationException($"{RandomDraws} uniform draws from a continuous space all hit taken points; this should not happen");
        var free = context.Space.Enumerate(p => p.Distribution.Enumerate(limit).ToArray())
            .Take((int)limit)
            .FirstOrDefault(a => !taken.Contains(Key(a)));
        if (free is not null) return free;
        throw new SearchExhaustedException(Exhausted(context, size is { } n ? $"all {n} points of the search space" : "every point of the search space"));
    }

    public static string Exhausted(SearchContext context, string what)
    {
        var completed = context.Trials.Count(t => t.State == TrialState.Completed);
        var pending = context.Trials.Count(t => t.IsPending);
        var other = context.Trials.Count - completed - pending;
        return $"{what} are taken by trials ({completed} completed, {pending} pending, {other} pruned, failed or cancelled): there is nothing new to try";
    }
}
