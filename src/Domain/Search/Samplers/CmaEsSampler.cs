using System.Globalization;
using EnsembleFarm.Models;

namespace EnsembleFarm.Domain.Search;

/// <summary>How <see cref="CmaEsSampler"/> restarts a search that has converged or stalled.</summary>
public enum CmaRestartStrategy
{
    /// <summary>Never: once converged, later generations stay where they are.</summary>
    None,
    /// <summary>IPOP (Auger and Hansen 2005): start again from a random mean with a population <c>inc_popsize</c> times larger, which searches more globally.</summary>
    Ipop,
}

/// <summary>Settings of <see cref="CmaEsSampler"/> (Optuna's names, in snake_case in a spec).</summary>
public sealed record CmaEsSamplerOptions
{
    public ulong Seed { get; init; }

    /// <summary>Initial step size in unit coordinates (1/6 of every range, as Optuna).</summary>
    public double Sigma0 { get; init; } = 1.0 / 6;

    /// <summary>λ, trials per generation; default 4 + ⌊3 ln n⌋ for n dimensions.</summary>
    public int? PopulationSize { get; init; }

    public CmaRestartStrategy RestartStrategy { get; init; } = CmaRestartStrategy.Ipop;

    /// <summary>Factor by which each IPOP restart multiplies the population.</summary>
    public int IncPopsize { get; init; } = 2;

    /// <summary>Restart when every coordinate's standard deviation (σ·√Cᵢᵢ, unit coordinates) is below this.</summary>
    public double TolX { get; init; } = 1e-6;

    /// <summary>Restart when the best results of the last 10 + ⌈30n/λ⌉ generations and the whole last generation lie within this range.</summary>
    public double TolFun { get; init; } = 1e-12;
}

/// <summary>
/// The covariance matrix adaptation evolution strategy (Hansen's (μ/μ_w, λ)-CMA-ES, as in Optuna's
/// CmaEsSampler): it samples a generation of λ points from a Gaussian, moves the mean towards the best half
/// and learns the covariance of good steps, so it follows narrow, rotated valleys that per-parameter
/// methods miss. For continuous parameters (whole numbers are rounded), one objective, and budgets of
/// hundreds of trials or more; with IPOP restarts it escapes local optima.
/// <para>
/// It models the parameters that are numeric, unconditional and not fixed, in unit coordinates (log
/// scales transformed); categorical and conditional parameters are drawn uniformly at random, as Optuna
/// does with parameters outside CMA-ES's joint space.
/// </para>
/// <para>
/// Ask and tell without memory: each suggestion is tagged with its restart and generation
/// (<c>cmaes:restart</c>, <c>cmaes:generation</c>). The state is rebuilt by replaying the history: a
/// generation is told once λ of its trials have completed (the first λ by trial number), failed or pruned
/// ones are replaced by asking again in the same generation. Pending trials need no liar: they are fresh
/// draws from the same distribution, kept distinct by the duplicate check. When the distribution has
/// shrunk so far that it only proposes taken points (a small discrete space), the suggestion falls back to a
/// random one, is tagged <c>cmaes:fallback</c>, and (with IPOP) the run restarts.
/// </para>
/// </summary>
public sealed class CmaEsSampler : ISampler
{
    public const string RestartAttribute = "cmaes:restart";
    public const string GenerationAttribute = "cmaes:generation";
    public const string FallbackAttribute = "cmaes:fallback";

    private readonly CmaEsSamplerOptions _options;

    public CmaEsSampler(CmaEsSamplerOptions? options = null)
    {
        _options = options ?? new CmaEsSamplerOptions();
        if (!(_options.Sigma0 > 0)) throw new ArgumentOutOfRangeException(nameof(options), $"sigma0 must be > 0, got {_options.Sigma0}");
        if (_options.PopulationSize is < 2) throw new ArgumentOutOfRangeException(nameof(options), $"population_size must be >= 2, got {_options.PopulationSize}");
        if (_options.IncPopsize < 1) throw new ArgumentOutOfRangeException(nameof(options), $"inc_popsize must be >= 1, got {_options.IncPopsize}");
    }

    public Suggestion Suggest(SearchContext context)
    {
        context.RequireSingleObjective("cmaes");
        var rng = SpaceSampling.RngFor(_options.Seed, context);
        var codec = new SpaceCodec(context.Space);
        var columns = Enumerable.Range(0, codec.Count)
            .Where(j => !codec.Fixed[j] && !codec.IsCategorical(j) && !context.Space.Parameters[j].IsConditional)
            .ToArray();
        if (columns.Length == 0) return new Suggestion(SpaceSampling.NewUniform(context, rng));

        var state = Replay(context, codec, columns);
        var tags = new Dictionary<string, string>
        {
            [RestartAttribute] = state.Restart.ToString(CultureInfo.InvariantCulture),
            [GenerationAttribute] = state.Generation.ToString(CultureInfo.InvariantCulture),
        };
        var taken = SpaceSampling.Taken(context);
        for (var attempt = 0; attempt < 16; attempt++)
        {
            var x = state.Ask(rng);
            var values = context.Space.Resolve((p, j) =>
            {
                var c = Array.IndexOf(columns, j);
                return c >= 0 ? p.Distribution.FromUnit(x[c]) : p.Distribution.FromUnit(rng.NextDouble());
            });
            if (!taken.Contains(SpaceSampling.Key(values))) return new Suggestion(values) { Attributes = tags };
        }
        tags[FallbackAttribute] = "1";
        return new Suggestion(SpaceSampling.NewUniform(context, rng, taken)) { Attributes = tags };
    }

    private State Replay(SearchContext context, SpaceCodec codec, int[] columns)
    {
        var n = columns.Length;
        var lambda0 = _options.PopulationSize ?? 4 + (int)Math.Floor(3 * Math.Log(n));
        var state = new State(n, lambda0, Enumerable.Repeat(0.5, n).ToArray(), _options.Sigma0, 0);
        var objective = context.Objectives[0];
        var tagged = context.Trials
            .Select(t => (Trial: t, Tag: Tag(t)))
            .Where(x => x.Tag is not null)
            .GroupBy(x => x.Tag!.Value)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Trial).OrderBy(t => t.Number).ToList());
        var restarts = _options.RestartStrategy == CmaRestartStrategy.Ipop;
        while (true)
        {
            if (!tagged.TryGetValue((state.Restart, state.Generation), out var generation)) break;
            if (restarts && generation.Any(t => t.Attributes.ContainsKey(FallbackAttribute)))
            {
                state = Restarted(state, n);
                continue;
            }
            var done = generation.Where(t => t.HasResult(1) && !t.Attributes.ContainsKey(FallbackAttribute)).Take(state.Lambda).ToList();
            if (done.Count < state.Lambda) break;
            var losses = done.Select(t => objective.Loss(t.Values[0])).ToArray();
            var points = done.Select(t =>
            {
                var encoded = codec.Encode(t.Params);
                return columns.Select(j => encoded[j]).ToArray();
            }).ToList();
            state.Tell(points, losses);
            if (restarts && state.ShouldStop(losses, _options)) state = Restarted(state, n);
        }
        return state;
    }

    private State Restarted(State previous, int n)
    {
        var restart = previous.Restart + 1;
        var rng = new Rng(Rng.Derive(_options.Seed ^ 0x636D6165UL, (ulong)restart));
        var mean = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
        return new State(n, previous.Lambda * _options.IncPopsize, mean, _options.Sigma0, restart);
    }

    private static (int, int)? Tag(FrozenTrial trial) =>
        trial.Attributes.TryGetValue(RestartAttribute, out var r) && trial.Attributes.TryGetValue(GenerationAttribute, out var g)
        && int.TryParse(r, CultureInfo.InvariantCulture, out var restart) && int.TryParse(g, CultureInfo.InvariantCulture, out var generation)
            ? (restart, generation)
            : null;

    /// <summary>One CMA-ES run's distribution and evolution paths (Hansen, "The CMA Evolution Strategy: A Tutorial", 2016).</summary>
    private sealed class State
    {
        private readonly int _n;
        private readonly int _mu;
        private readonly double[] _weights;
        private readonly double _muEff, _cs, _ds, _cc, _c1, _cmu, _chiN;
        private readonly double[] _mean;
        private readonly double[] _c;   // covariance, n × n
        private readonly double[] _ps;
        private readonly double[] _pc;
        private double[] _b;            // eigenvectors (columns)
        private double[] _d;            // square roots of the eigenvalues
        private double _sigma;
        private readonly List<double> _bestHistory = [];

        public State(int n, int lambda, double[] mean, double sigma, int restart)
        {
            _n = n;
            Lambda = lambda;
            Restart = restart;
            _mu = lambda / 2;
            var raw = Enumerable.Range(1, _mu).Select(i => Math.Log(_mu + 0.5) - Math.Log(i)).ToArray();
            var sum = raw.Sum();
            _weights = raw.Select(w => w / sum).ToArray();
            _muEff = 1 / _weights.Sum(w => w * w);
            _cs = (_muEff + 2) / (n + _muEff + 5);
            _ds = 1 + 2 * Math.Max(0, Math.Sqrt((_muEff - 1) / (n + 1)) - 1) + _cs;
            _cc = (4 + _muEff / n) / (n + 4 + 2 * _muEff / n);
            _c1 = 2 / ((n + 1.3) * (n + 1.3) + _muEff);
            _cmu = Math.Min(1 - _c1, 2 * (_muEff - 2 + 1 / _muEff) / ((n + 2) * (n + 2) + _muEff));
            _chiN = Math.Sqrt(n) * (1 - 1.0 / (4 * n) + 1.0 / (21.0 * n * n));
            _mean = mean;
            _sigma = sigma;
            _c = new double[n * n];
            _b = new double[n * n];
            _d = Enumerable.Repeat(1.0, n).ToArray();
            for (var i = 0; i < n; i++)
            {
                _c[i * n + i] = 1;
                _b[i * n + i] = 1;
            }
            _ps = new double[n];
            _pc = new double[n];
        }

        public int Lambda { get; }

        public int Restart { get; }

        public int Generation { get; private set; }

        /// <summary>x = m + σ·B·D·z, redrawn until inside the unit cube (clipped after 100 tries).</summary>
        public double[] Ask(Rng rng)
        {
            var x = new double[_n];
            for (var attempt = 0; attempt < 100; attempt++)
            {
                var z = new double[_n];
                for (var i = 0; i < _n; i++) z[i] = _d[i] * rng.NextGaussian();
                var inside = true;
                for (var i = 0; i < _n; i++)
                {
                    var y = 0.0;
                    for (var k = 0; k < _n; k++) y += _b[i * _n + k] * z[k];
                    x[i] = _mean[i] + _sigma * y;
                    if (x[i] < 0 || x[i] > 1) inside = false;
                }
                if (inside) return x;
            }
            for (var i = 0; i < _n; i++) x[i] = Math.Clamp(x[i], 0, 1);
            return x;
        }

        public void Tell(List<double[]> points, double[] losses)
        {
            var n = _n;
            var order = Enumerable.Range(0, points.Count).OrderBy(i => losses[i]).ThenBy(i => i).ToArray();
            _bestHistory.Add(losses[order[0]]);
            var steps = order.Take(_mu).Select(i => points[i].Select((v, k) => (v - _mean[k]) / _sigma).ToArray()).ToArray();
            var yw = new double[n];
            for (var i = 0; i < _mu; i++)
            {
                for (var k = 0; k < n; k++) yw[k] += _weights[i] * steps[i][k];
            }
            for (var k = 0; k < n; k++) _mean[k] += _sigma * yw[k];

            // C^(−1/2)·y_w = B·D⁻¹·Bᵀ·y_w
            var t = new double[n];
            for (var k = 0; k < n; k++)
            {
                var s = 0.0;
                for (var i = 0; i < n; i++) s += _b[i * n + k] * yw[i];
                t[k] = s / _d[k];
            }
            var whitened = new double[n];
            for (var i = 0; i < n; i++)
            {
                var s = 0.0;
                for (var k = 0; k < n; k++) s += _b[i * n + k] * t[k];
                whitened[i] = s;
            }
            var csFactor = Math.Sqrt(_cs * (2 - _cs) * _muEff);
            for (var k = 0; k < n; k++) _ps[k] = (1 - _cs) * _ps[k] + csFactor * whitened[k];
            var psNorm = Math.Sqrt(_ps.Sum(v => v * v));
            var hsig = psNorm / Math.Sqrt(1 - Math.Pow(1 - _cs, 2 * (Generation + 1))) < (1.4 + 2.0 / (n + 1)) * _chiN ? 1.0 : 0.0;
            var ccFactor = Math.Sqrt(_cc * (2 - _cc) * _muEff);
            for (var k = 0; k < n; k++) _pc[k] = (1 - _cc) * _pc[k] + hsig * ccFactor * yw[k];

            var decay = 1 - _c1 - _cmu + (1 - hsig) * _c1 * _cc * (2 - _cc);
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    var rankMu = 0.0;
                    for (var m = 0; m < _mu; m++) rankMu += _weights[m] * steps[m][i] * steps[m][j];
                    _c[i * n + j] = decay * _c[i * n + j] + _c1 * _pc[i] * _pc[j] + _cmu * rankMu;
                }
            }
            _sigma *= Math.Exp(_cs / _ds * (psNorm / _chiN - 1));
            _sigma = Math.Min(_sigma, 1.0);
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < i; j++) _c[j * n + i] = _c[i * n + j];
            }
            SymmetricEigen.Decompose(_c, n, out var values, out var vectors);
            _b = vectors;
            _d = values.Select(v => Math.Sqrt(Math.Max(v, 1e-20))).ToArray();
            Generation++;
        }

        /// <summary>Converged or stalled: steps below tol_x, results flat within tol_fun, or an ill-conditioned covariance.</summary>
        public bool ShouldStop(double[] lastLosses, CmaEsSamplerOptions options)
        {
            var n = _n;
            var maxSd = 0.0;
            for (var i = 0; i < n; i++) maxSd = Math.Max(maxSd, _sigma * Math.Sqrt(_c[i * n + i]));
            if (maxSd < options.TolX) return true;
            var window = 10 + (int)Math.Ceiling(30.0 * n / Lambda);
            if (_bestHistory.Count >= window)
            {
                var recent = _bestHistory.TakeLast(window).Concat(lastLosses).ToList();
                if (recent.Max() - recent.Min() < options.TolFun) return true;
            }
            var maxD = _d.Max();
            var minD = _d.Min();
            return maxD * maxD > 1e14 * minD * minD;
        }
    }
}
