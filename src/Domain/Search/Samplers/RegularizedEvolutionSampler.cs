using EnsembleFarm.Models;

namespace EnsembleFarm.Domain.Search;

/// <summary>Settings of <see cref="RegularizedEvolutionSampler"/> (snake_case in a spec).</summary>
public sealed record RegularizedEvolutionSamplerOptions
{
    public ulong Seed { get; init; }

    /// <summary>P: the population is the P most recent completed trials; the first P trials are random.</summary>
    public int PopulationSize { get; init; } = 20;

    /// <summary>S: members drawn for each tournament; the best of them is the parent. Larger S is greedier.</summary>
    public int SampleSize { get; init; } = 5;

    /// <summary>Standard deviation, in unit coordinates, of the step a numeric parameter takes when it mutates.</summary>
    public double MutationScale { get; init; } = 0.15;
}

/// <summary>
/// Regularized (aging) evolution (Real et al., AAAI 2019, "Regularized evolution for image classifier
/// architecture search"): draw S members of the population, mutate the best of them in one parameter, and
/// let the oldest member die rather than the worst, so that no lucky early trial rules forever. Simple,
/// robust to noise, and suited to architecture search (depth, widths, activations) where a small change of
/// a good network is a good guess.
/// <para>
/// Age is the trial number: the population is the P completed trials with the highest numbers. A
/// mutation changes one active, non-fixed parameter: a categorical one to another choice, a numeric one by a
/// Gaussian step in unit coordinates (reflected at the bounds; at least one value away for whole
/// numbers). Conditions are then re-applied: a parameter that the mutation activates (the width of a layer
/// the mutation added) gets a random value, one it deactivates is dropped. Pending trials are not in the
/// population; parallel suggestions differ through their own tournaments and mutations, and the duplicate
/// check. One objective only.
/// </para>
/// </summary>
public sealed class RegularizedEvolutionSampler : ISampler
{
    private readonly RegularizedEvolutionSamplerOptions _options;

    public RegularizedEvolutionSampler(RegularizedEvolutionSamplerOptions? options = null)
    {
        _options = options ?? new RegularizedEvolutionSamplerOptions();
        if (_options.PopulationSize < 2) throw new ArgumentOutOfRangeException(nameof(options), $"population_size must be >= 2, got {_options.PopulationSize}");
        if (_options.SampleSize < 1 || _options.SampleSize > _options.PopulationSize)
            throw new ArgumentOutOfRangeException(nameof(options), $"sample_size must be from 1 to population_size ({_options.PopulationSize}), got {_options.SampleSize}");
        if (!(_options.MutationScale > 0)) throw new ArgumentOutOfRangeException(nameof(options), $"mutation_scale must be > 0, got {_options.MutationScale}");
    }

    public Suggestion Suggest(SearchContext context)
    {
        context.RequireSingleObjective("regularized_evolution");
        var rng = SpaceSampling.RngFor(_options.Seed, context);
        var completed = context.Completed.OrderBy(t => t.Number).ToList();
        if (completed.Count < _options.PopulationSize) return new Suggestion(SpaceSampling.NewUniform(context, rng));
        var population = completed.TakeLast(_options.PopulationSize).ToArray();
        var objective = context.Objectives[0];
        return new Suggestion(SpaceSampling.FirstNew(context, rng, Children()));

        IEnumerable<IReadOnlyDictionary<string, ParamValue>> Children()
        {
            while (true)
            {
                var parent = Tournament(population, objective, rng);
                yield return Mutate(context.Space, parent.Params, rng);
            }
        }
    }

    private FrozenTrial Tournament(FrozenTrial[] population, Objective objective, Rng rng)
    {
        var indices = Enumerable.Range(0, population.Length).ToArray();
        // A partial Fisher–Yates: the first S indices are a uniform sample without replacement.
        for (var i = 0; i < _options.SampleSize; i++)
        {
            var j = i + rng.NextInt(indices.Length - i);
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }
        return indices.Take(_options.SampleSize)
            .Select(i => population[i])
            .OrderBy(t => objective.Loss(t.Values[0]))
            .ThenByDescending(t => t.Number)
            .First();
    }

    private IReadOnlyDictionary<string, ParamValue> Mutate(SearchSpace space, IReadOnlyDictionary<string, ParamValue> parent, Rng rng)
    {
        var mutable = space.Parameters
            .Where(p => parent.ContainsKey(p.Name) && p.Distribution.Cardinality is not 1)
            .ToList();
        if (mutable.Count == 0) return SpaceSampling.Uniform(space, rng);
        var target = mutable[rng.NextInt(mutable.Count)];
        var mutated = MutateValue(target.Distribution, parent[target.Name], rng);
        return space.Resolve((p, _) =>
            p.Name == target.Name ? mutated
            : parent.TryGetValue(p.Name, out var kept) ? kept
            : p.Distribution.FromUnit(rng.NextDouble()));
    }

    private ParamValue MutateValue(Distribution distribution, ParamValue value, Rng rng)
    {
        if (distribution is CategoricalDistribution c)
        {
            var current = c.IndexOf(value);
            var other = rng.NextInt(c.Choices.Count - 1);
            return c.Choices[other >= current ? other + 1 : other];
        }
        var u = distribution.ToUnit(value);
        var moved = Reflect(u + _options.MutationScale * rng.NextGaussian());
        var result = distribution.FromUnit(moved);
        if (!result.SameAs(value) || distribution.Cardinality is null) return result;
        // A whole number (or step) that rounded back to itself: move to a neighbouring value instead.
        var values = distribution.Enumerate(distribution.Cardinality.Value).ToList();
        var at = values.FindIndex(v => v.SameAs(value));
        var up = moved >= u ? 1 : -1;
        var next = at + up;
        if (next < 0 || next >= values.Count) next = at - up;
        return values[next];
    }

    private static double Reflect(double u)
    {
        u = Math.Abs(u) % 2;
        return u > 1 ? 2 - u : u;
    }
}
