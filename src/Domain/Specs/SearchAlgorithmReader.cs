using EnsembleFarm.Domain.Search;
using YamlDotNet.RepresentationModel;

namespace EnsembleFarm.Domain.Specs;

/// <summary>
/// Reads <c>search.sampler</c> and <c>search.pruner</c>: a name (<c>sampler: tpe</c>) or a block with the name and the
/// options (<c>{name: tpe, n_startup_trials: 5}</c>). Each option is the library's, in snake_case
/// (<c>n_startup_trials</c> ↔ <see cref="TpeSamplerOptions.NStartupTrials"/>), with the range the library accepts, so a
/// sampler or pruner the spec describes is always one the library builds.
/// </summary>
internal static class SearchAlgorithmReader
{
    private static readonly IntRange Count = new(0, 1_000_000);
    private static readonly IntRange PositiveCount = new(1, 1_000_000);
    private static readonly IntRange Population = new(2, 1_000_000);
    private static readonly IntRange Factor = new(2, 1_000);
    private static readonly NumberRange Probability = new(0, true, 1, true);

    /// <summary>The samplers that optimise one objective only; the others take several.</summary>
    private static readonly SamplerKind[] SingleObjective = [SamplerKind.Gp, SamplerKind.CmaEs, SamplerKind.RegularizedEvolution];

    /// <summary>The sampler; tpe when the field is left out. The seed is <c>seed</c>, else <paramref name="defaultSeed"/>.</summary>
    /// <param name="space">The parameters, when they are valid: grid values are checked against them.</param>
    /// <param name="parameters">The search's parameters: what a grid value of each must be.</param>
    public static (SamplerSpec? Sampler, bool SingleObjective) ReadSampler(SpecMapping search, ulong defaultSeed, SearchSpace? space, SearchSpaceReader parameters)
    {
        var (block, kind) = Block(search, "sampler", SpecVocabulary.Samplers, SamplerKind.Tpe);
        if (block is null || kind is null) return (null, false);
        var seed = block.UInt64("seed") ?? defaultSeed;
        object options = kind switch
        {
            SamplerKind.Random => new RandomSamplerOptions { Seed = seed },
            SamplerKind.Grid => Grid(block, seed, space, parameters),
            SamplerKind.Sobol => new SobolSamplerOptions { Seed = seed, Scramble = block.Flag("scramble") ?? true },
            SamplerKind.Tpe => Tpe(block, seed),
            SamplerKind.Gp => Gp(block, seed),
            SamplerKind.CmaEs => CmaEs(block, seed),
            SamplerKind.RegularizedEvolution => Evolution(block, seed),
            _ => NsgaII(block, seed),
        };
        block.RejectUnknownFields();
        return (new SamplerSpec(SpecVocabulary.Samplers.Name(kind.Value), options), SingleObjective.Contains(kind.Value));
    }

    /// <summary>The pruner; null when the field is left out (no pruning).</summary>
    /// <param name="epochs">The base spec's epochs: hyperband's default <c>max_resource</c>.</param>
    public static PrunerSpec? ReadPruner(SpecMapping search, ulong defaultSeed, int epochs)
    {
        // Unlike the sampler, no pruner is the default: "pruner:" without a value is none.
        if (!search.Has("pruner")) return null;
        var (block, kind) = Block(search, "pruner", SpecVocabulary.Pruners, PrunerKind.Median);
        if (block is null || kind is null) return null;
        object options = kind switch
        {
            PrunerKind.Median => new MedianPrunerOptions
            {
                NStartupTrials = block.Int("n_startup_trials", Count) ?? 5,
                NWarmupSteps = block.Int("n_warmup_steps", Count) ?? 0,
                IntervalSteps = block.Int("interval_steps", PositiveCount) ?? 1,
                NMinTrials = block.Int("n_min_trials", PositiveCount) ?? 1,
            },
            PrunerKind.Percentile => new PercentilePrunerOptions
            {
                Percentile = block.Number("percentile", new NumberRange(0, true, 100, true)) ?? 25,
                NStartupTrials = block.Int("n_startup_trials", Count) ?? 5,
                NWarmupSteps = block.Int("n_warmup_steps", Count) ?? 0,
                IntervalSteps = block.Int("interval_steps", PositiveCount) ?? 1,
                NMinTrials = block.Int("n_min_trials", PositiveCount) ?? 1,
            },
            PrunerKind.SuccessiveHalving => new SuccessiveHalvingPrunerOptions
            {
                MinResource = block.Int("min_resource", PositiveCount) ?? 1,
                ReductionFactor = block.Int("reduction_factor", Factor) ?? 4,
                MinEarlyStoppingRate = block.Int("min_early_stopping_rate", Count) ?? 0,
                BootstrapCount = block.Int("bootstrap_count", Count) ?? 0,
            },
            _ => Hyperband(block, defaultSeed, epochs),
        };
        block.RejectUnknownFields();
        return new PrunerSpec(SpecVocabulary.Pruners.Name(kind.Value), options);
    }

    /// <summary>The block of a field written as a name or as a block with a <c>name</c> (defaulting to <paramref name="default"/>).</summary>
    private static (SpecMapping? Block, T? Kind) Block<T>(SpecMapping search, string key, Vocabulary<T> names, T @default) where T : struct, Enum
    {
        switch (search.Raw(key))
        {
            case null:
                return (search.EmptyBlock(key), @default);
            case YamlScalarNode:
                return (search.EmptyBlock(key), search.Choice(key, names));
            case YamlMappingNode:
                var block = search.Mapping(key)!;
                return (block, block.Has("name") ? block.Choice("name", names) : @default);
            case var other:
                search.Error(key, $"must be a name ({string.Join(", ", names.Names)}) or a block {{name: ..., options}}, got {SpecMapping.Describe(other)}");
                return (null, null);
        }
    }

    private static TpeSamplerOptions Tpe(SpecMapping block, ulong seed)
    {
        var defaults = new TpeSamplerOptions();
        return new TpeSamplerOptions
        {
            Seed = seed,
            NStartupTrials = block.Int("n_startup_trials", Count) ?? defaults.NStartupTrials,
            NEiCandidates = block.Int("n_ei_candidates", PositiveCount) ?? defaults.NEiCandidates,
            Gamma = block.Number("gamma", new NumberRange(0, false, 1, true)) ?? defaults.Gamma,
            MaxGoodTrials = block.Int("max_good_trials", PositiveCount) ?? defaults.MaxGoodTrials,
            PriorWeight = block.Number("prior_weight", NumberRange.NonNegative) ?? defaults.PriorWeight,
            Multivariate = block.Flag("multivariate") ?? defaults.Multivariate,
            ConstantLiar = block.Flag("constant_liar") ?? defaults.ConstantLiar,
            Bandwidth = block.Choice("bandwidth", SpecVocabulary.TpeBandwidths) ?? defaults.Bandwidth,
        };
    }

    private static GpSamplerOptions Gp(SpecMapping block, ulong seed)
    {
        var defaults = new GpSamplerOptions();
        return new GpSamplerOptions
        {
            Seed = seed,
            NStartupTrials = block.Int("n_startup_trials", PositiveCount) ?? defaults.NStartupTrials,
            ConstantLiar = block.Choice("constant_liar", SpecVocabulary.ConstantLiars) ?? defaults.ConstantLiar,
            NPreliminarySamples = block.Int("n_preliminary_samples", PositiveCount) ?? defaults.NPreliminarySamples,
            NLocalSearch = block.Int("n_local_search", Count) ?? defaults.NLocalSearch,
            FitIterations = block.Int("fit_iterations", PositiveCount) ?? defaults.FitIterations,
            MaxObservations = block.Int("max_observations", Population) ?? defaults.MaxObservations,
        };
    }

    private static CmaEsSamplerOptions CmaEs(SpecMapping block, ulong seed)
    {
        var defaults = new CmaEsSamplerOptions();
        return new CmaEsSamplerOptions
        {
            Seed = seed,
            Sigma0 = block.Number("sigma0", NumberRange.Positive) ?? defaults.Sigma0,
            PopulationSize = block.Int("population_size", Population),
            RestartStrategy = block.Choice("restart_strategy", SpecVocabulary.RestartStrategies) ?? defaults.RestartStrategy,
            IncPopsize = block.Int("inc_popsize", PositiveCount) ?? defaults.IncPopsize,
            TolX = block.Number("tol_x", NumberRange.Positive) ?? defaults.TolX,
            TolFun = block.Number("tol_fun", NumberRange.Positive) ?? defaults.TolFun,
        };
    }

    private static RegularizedEvolutionSamplerOptions Evolution(SpecMapping block, ulong seed)
    {
        var defaults = new RegularizedEvolutionSamplerOptions();
        var population = block.Int("population_size", Population) ?? defaults.PopulationSize;
        var sample = block.Int("sample_size", PositiveCount) ?? defaults.SampleSize;
        if (sample > population) block.Error("sample_size", $"must be at most population_size ({population}), got {sample}");
        return new RegularizedEvolutionSamplerOptions
        {
            Seed = seed,
            PopulationSize = population,
            SampleSize = sample,
            MutationScale = block.Number("mutation_scale", NumberRange.Positive) ?? defaults.MutationScale,
        };
    }

    private static NsgaIISamplerOptions NsgaII(SpecMapping block, ulong seed)
    {
        var defaults = new NsgaIISamplerOptions();
        return new NsgaIISamplerOptions
        {
            Seed = seed,
            PopulationSize = block.Int("population_size", Population) ?? defaults.PopulationSize,
            CrossoverProb = block.Number("crossover_prob", Probability) ?? defaults.CrossoverProb,
            MutationProb = block.Number("mutation_prob", Probability),
            SwappingProb = block.Number("swapping_prob", Probability) ?? defaults.SwappingProb,
            CrossoverEta = block.Number("crossover_eta", NumberRange.NonNegative) ?? defaults.CrossoverEta,
            MutationEta = block.Number("mutation_eta", NumberRange.NonNegative) ?? defaults.MutationEta,
        };
    }

    private static HyperbandPrunerOptions Hyperband(SpecMapping block, ulong seed, int epochs)
    {
        var minResource = block.Int("min_resource", PositiveCount) ?? 1;
        var maxResource = block.Int("max_resource", PositiveCount) ?? epochs;
        if (maxResource < minResource && block.Has("max_resource"))
            block.Error("max_resource", $"must be at least min_resource ({minResource}), got {maxResource}");
        else if (maxResource < minResource)
            block.Error("min_resource", $"must be at most max_resource, which is training.epochs ({epochs}) unless given, got {minResource}");
        return new HyperbandPrunerOptions
        {
            MinResource = minResource,
            MaxResource = maxResource,
            ReductionFactor = block.Int("reduction_factor", Factor) ?? 3,
            BootstrapCount = block.Int("bootstrap_count", Count) ?? 0,
            Seed = block.UInt64("seed") ?? seed,
        };
    }

    /// <summary>
    /// Grid options; <c>values</c> lists, per parameter of the space, the exact values to try (each must be one of the
    /// parameter's), and the grid must be small enough to enumerate: both are checked here rather than when the
    /// campaign first asks for a trial.
    /// </summary>
    private static GridSamplerOptions Grid(SpecMapping block, ulong seed, SearchSpace? space, SearchSpaceReader parameters)
    {
        var defaults = new GridSamplerOptions();
        var options = new GridSamplerOptions
        {
            Seed = seed,
            PointsPerDimension = block.Int("points_per_dimension", PositiveCount) ?? defaults.PointsPerDimension,
            Shuffle = block.Flag("shuffle") ?? defaults.Shuffle,
            Values = GridValues(block, space, parameters),
        };
        if (space is null) return options;
        try
        {
            new GridSampler(options).Grid(space);
        }
        catch (ArgumentException e)
        {
            block.ErrorAtBlock(e.Message);
        }
        return options;
    }

    private static IReadOnlyDictionary<string, IReadOnlyList<ParamValue>>? GridValues(SpecMapping block, SearchSpace? space, SearchSpaceReader parameters)
    {
        var values = block.Mapping("values");
        if (values is null || space is null) return null;
        var lists = new Dictionary<string, IReadOnlyList<ParamValue>>(StringComparer.Ordinal);
        foreach (var (name, _) in values.Fields())
        {
            if (!space.Contains(name))
            {
                values.Error(name, parameters.NotAParameter(name));
                continue;
            }
            var (domain, distribution) = (parameters.DomainOf(name)!, space[name].Distribution);
            var read = values.Items(name, "values")?.Select(item => (item.Node, item.Path, Value: domain.Read(values, item.Node, item.Path))).ToList();
            foreach (var (node, path, value) in read?.Where(r => r.Value is { } v && !distribution.Contains(v)) ?? [])
                values.ErrorAtNode(path, $"must be a value of {name} ({distribution}), got '{value}'", node);
            if (read is not null && read.All(r => r.Value is { } v && distribution.Contains(v))) lists[name] = read.Select(r => r.Value!.Value).ToList();
        }
        return lists;
    }
}
