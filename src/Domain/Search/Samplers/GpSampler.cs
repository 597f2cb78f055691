using EnsembleFarm.Models;

namespace EnsembleFarm.Domain.Search;

/// <summary>Settings of <see cref="GpSampler"/> (snake_case in a spec).</summary>
public sealed record GpSamplerOptions
{
    public ulong Seed { get; init; }

    /// <summary>Uniform random suggestions until this many trials have completed.</summary>
    public int NStartupTrials { get; init; } = 10;

    /// <summary>Pending trials enter the model with this made-up result.</summary>
    public ConstantLiar ConstantLiar { get; init; } = ConstantLiar.Worst;

    /// <summary>Random points at which the acquisition is evaluated before the local search.</summary>
    public int NPreliminarySamples { get; init; } = 512;

    /// <summary>Best preliminary points (and best observed points) refined by local search.</summary>
    public int NLocalSearch { get; init; } = 4;

    /// <summary>Adam steps of the hyperparameter fit.</summary>
    public int FitIterations { get; init; } = 100;

    /// <summary>Only the most recent this many completed trials are modelled (the fit is cubic in their number).</summary>
    public int MaxObservations { get; init; } = 300;
}

/// <summary>
/// Bayesian optimisation with a Gaussian process (Optuna's GPSampler): a Matérn 5/2 GP with one length
/// scale per parameter, fitted to the standardised results by maximum marginal likelihood (with weak
/// priors), and the point of largest log expected improvement (logEI, Ament et al. 2023: EI computed in log
/// space, so that it still ranks candidates where plain EI underflows to 0) is suggested. The most
/// sample-efficient choice for expensive trials and up to a few hundred trials of a dozen or so parameters.
/// <para>
/// Inputs are unit coordinates: log-scaled parameters are modelled on their log axis; whole numbers and
/// stepped floats are snapped to their values before the acquisition is evaluated; categorical parameters
/// use a Hamming distance with a length scale of their own (no order assumed). Conditional parameters:
/// an inactive parameter's input is imputed with a constant (the centre, or an extra category), so trials
/// that lack it are still comparable on the rest. The acquisition is maximised by
/// <see cref="GpSamplerOptions.NPreliminarySamples"/> random points plus perturbations of the best trials,
/// then coordinate-wise local search from the best of them.
/// </para>
/// <para>
/// Pending trials (constant liar): the GP is conditioned on them too, with the worst (or mean) observed
/// result as their value and the hyperparameters fitted on completed trials only. Their uncertainty
/// collapses and a bad value is predicted there, so the next suggestion goes elsewhere. One objective only.
/// </para>
/// </summary>
public sealed class GpSampler : ISampler
{
    private readonly GpSamplerOptions _options;

    public GpSampler(GpSamplerOptions? options = null)
    {
        _options = options ?? new GpSamplerOptions();
        if (_options.NStartupTrials < 1) throw new ArgumentOutOfRangeException(nameof(options), $"n_startup_trials must be >= 1, got {_options.NStartupTrials}");
        if (_options.NPreliminarySamples < 1) throw new ArgumentOutOfRangeException(nameof(options), $"n_preliminary_samples must be >= 1, got {_options.NPreliminarySamples}");
        if (_options.NLocalSearch < 0) throw new ArgumentOutOfRangeException(nameof(options), $"n_local_search must be >= 0, got {_options.NLocalSearch}");
        if (_options.FitIterations < 1) throw new ArgumentOutOfRangeException(nameof(options), $"fit_iterations must be >= 1, got {_options.FitIterations}");
        if (_options.MaxObservations < 2) throw new ArgumentOutOfRangeException(nameof(options), $"max_observations must be >= 2, got {_options.MaxObservations}");
    }

    public Suggestion Suggest(SearchContext context)
    {
        context.RequireSingleObjective("gp");
        var rng = SpaceSampling.RngFor(_options.Seed, context);
        var completed = context.Completed.OrderBy(t => t.Number).TakeLast(_options.MaxObservations).ToList();
        if (completed.Count < _options.NStartupTrials) return new Suggestion(SpaceSampling.NewUniform(context, rng));

        var model = new Model(new SpaceCodec(context.Space));
        if (model.Columns.Length == 0) return new Suggestion(SpaceSampling.NewUniform(context, rng));
        var objective = context.Objectives[0];
        var losses = completed.Select(t => objective.Loss(t.Values[0])).ToArray();
        var mean = losses.Average();
        var sd = Math.Sqrt(losses.Select(l => (l - mean) * (l - mean)).Average());
        if (!(sd > 1e-12)) sd = 1;
        var y = losses.Select(l => (l - mean) / sd).ToArray();
        var x = completed.Select(t => model.Input(model.Codec.Encode(t.Params))).ToArray();
        var gp = GaussianProcess.Fit(x, model.Categorical, y, _options.FitIterations);
        var best = y.Min();

        var pending = context.Pending.ToList();
        if (pending.Count > 0 && _options.ConstantLiar != ConstantLiar.None)
        {
            var lie = _options.ConstantLiar == ConstantLiar.Worst ? y.Max() : 0.0;
            gp = gp.WithData(
                [.. x, .. pending.Select(t => model.Input(model.Codec.Encode(t.Params)))],
                [.. y, .. pending.Select(_ => lie)]);
        }

        double Acquisition(double[] full)
        {
            var (mu, variance) = gp.Predict(model.Input(full, model.Codec.Space.HasConditions ? model.Codec.Activity(full) : null));
            var sigma = Math.Sqrt(variance);
            return Normal.LogH((best - mu) / sigma) + Math.Log(sigma);
        }

        var starts = completed.Select((t, i) => (Vector: model.Codec.Encode(t.Params), Loss: y[i]))
            .OrderBy(s => s.Loss).Take(3).Select(s => model.Complete(s.Vector, rng)).ToList();
        var ranked = Maximise(model, Acquisition, starts, rng);
        return new Suggestion(SpaceSampling.FirstNew(context, rng, ranked.Select(model.Codec.Decode)));
    }

    /// <summary>Complete vectors ranked by acquisition, best first: random points, perturbed incumbents, then local search from the best.</summary>
    private List<double[]> Maximise(Model model, Func<double[], double> acquisition, List<double[]> incumbents, Rng rng)
    {
        var scored = new List<(double[] X, double A)>();
        for (var i = 0; i < _options.NPreliminarySamples; i++)
        {
            var z = model.Random(rng);
            scored.Add((z, acquisition(z)));
        }
        foreach (var incumbent in incumbents)
        {
            for (var i = 0; i < 32; i++)
            {
                var z = model.Perturb(incumbent, 0.05, rng);
                scored.Add((z, acquisition(z)));
            }
        }
        scored.Sort((a, b) => b.A.CompareTo(a.A));
        var refined = scored.Take(_options.NLocalSearch).Select(s => LocalSearch(model, acquisition, s.X, s.A)).ToList();
        return refined.Concat(scored.Skip(_options.NLocalSearch).Take(32))
            .OrderByDescending(s => s.A)
            .Select(s => s.X)
            .ToList();
    }

    /// <summary>Coordinate search on the active columns: shrinking steps on numeric ones (one cell on discrete ones), every other choice on categorical ones.</summary>
    private static (double[] X, double A) LocalSearch(Model model, Func<double[], double> acquisition, double[] start, double value)
    {
        var x = (double[])start.Clone();
        var codec = model.Codec;
        foreach (var step in new[] { 0.1, 0.03, 0.01, 0.003, 0.001 })
        {
            for (var pass = 0; pass < 8; pass++)
            {
                var improved = false;
                var active = codec.Space.HasConditions ? codec.Activity(x) : null;
                foreach (var j in model.Columns)
                {
                    if (active is not null && !active[j]) continue;
                    var original = x[j];
                    var tries = codec.IsCategorical(j)
                        ? Enumerable.Range(0, codec.Choices[j]).Select(c => (double)c).Where(c => c != original)
                        : codec.Discrete[j]
                            ? new[] { original - Cell(codec, j), original + Cell(codec, j), original - step, original + step }
                            : new[] { original - step, original + step };
                    var bestTry = original;
                    foreach (var candidate in tries)
                    {
                        if (!codec.IsCategorical(j) && (candidate < 0 || candidate > 1)) continue;
                        x[j] = codec.IsCategorical(j) ? candidate : codec.Snap(j, candidate);
                        if (x[j] == original) continue;
                        var a = acquisition(x);
                        if (a > value + 1e-12)
                        {
                            value = a;
                            bestTry = x[j];
                            improved = true;
                        }
                    }
                    x[j] = bestTry;
                }
                if (!improved) break;
            }
        }
        return (x, value);
    }

    private static double Cell(SpaceCodec codec, int column) => 1.0 / codec.Space.Parameters[column].Distribution.Cardinality!.Value;

    /// <summary>The GP's view of the space: the non-fixed columns, categorical or numeric.</summary>
    private sealed class Model
    {
        public Model(SpaceCodec codec)
        {
            Codec = codec;
            Columns = Enumerable.Range(0, codec.Count).Where(j => !codec.Fixed[j]).ToArray();
            Categorical = Columns.Select(codec.IsCategorical).ToArray();
        }

        public SpaceCodec Codec { get; }

        public int[] Columns { get; }

        public bool[] Categorical { get; }

        /// <summary>The GP input of an encoded vector (NaN: inactive) or of a complete vector with its activity.</summary>
        public double[] Input(double[] vector, bool[]? active = null)
        {
            var input = new double[Columns.Length];
            for (var c = 0; c < Columns.Length; c++)
            {
                var j = Columns[c];
                input[c] = active is not null && !active[j] ? double.NaN : vector[j];
            }
            return GaussianProcess.Impute(input, Categorical);
        }

        /// <summary>A uniform complete vector (discrete columns snapped).</summary>
        public double[] Random(Rng rng)
        {
            var z = new double[Codec.Count];
            for (var j = 0; j < z.Length; j++)
                z[j] = Codec.IsCategorical(j) ? rng.NextInt(Codec.Choices[j]) : Codec.Snap(j, rng.NextDouble());
            return z;
        }

        /// <summary>An encoded vector with its inactive (NaN) columns filled at random, so it can be moved anywhere.</summary>
        public double[] Complete(double[] encoded, Rng rng)
        {
            var z = Random(rng);
            for (var j = 0; j < z.Length; j++)
            {
                if (!double.IsNaN(encoded[j])) z[j] = encoded[j];
            }
            return z;
        }

        /// <summary>A Gaussian step of size <paramref name="scale"/> on numeric columns; a categorical column changes with probability 1/columns.</summary>
        public double[] Perturb(double[] x, double scale, Rng rng)
        {
            var z = (double[])x.Clone();
            foreach (var j in Columns)
            {
                if (Codec.IsCategorical(j))
                {
                    if (rng.NextDouble() < 1.0 / Columns.Length) z[j] = rng.NextInt(Codec.Choices[j]);
                }
                else
                {
                    z[j] = Codec.Snap(j, Math.Clamp(z[j] + scale * rng.NextGaussian(), 0, 1));
                }
            }
            return z;
        }
    }
}
