using EnsembleFarm.Models;

namespace EnsembleFarm.Domain.Search;

/// <summary>
/// The density TPE builds over a group of columns from a set of observations: a weighted mixture with one
/// component per observation plus one prior component, each a product over the columns of a truncated
/// normal on [0, 1] (numeric columns, in unit coordinates) or a categorical distribution (categorical
/// columns). As in Optuna: the prior component is centred with σ = 1; a categorical kernel puts mass 1 on
/// the observed choice and prior_weight/(n+1) on every choice, normalised. Bandwidths: multivariate
/// σ = 0.2·n^(−1/(d+4)) (Scott-like); univariate σ = the larger gap to the neighbouring observations. Both
/// are clipped to [1/min(100, n + 2), 1] ("magic clip").
/// </summary>
internal sealed class ParzenEstimator
{
    private readonly int[] _choices;        // per column: 0 numeric, k categorical
    private readonly double[] _logWeights;  // per component
    private readonly double[][] _mu;        // [component][column] (numeric columns)
    private readonly double[][] _sigma;
    private readonly double[][] _logNormaliser; // log(σ√(2π)·Z), Z the mass of N(μ, σ) on [0, 1]
    private readonly double[][][] _logProbabilities; // [component][column][choice] (categorical columns)

    /// <param name="observations">Rows of the group's columns (no NaN).</param>
    /// <param name="weights">Observation weights (≥ 0), before the prior's.</param>
    public ParzenEstimator(IReadOnlyList<double[]> observations, IReadOnlyList<double> weights, int[] choices, double priorWeight, bool multivariate)
    {
        _choices = choices;
        var n = observations.Count;
        var components = n + 1;
        var columns = choices.Length;
        var rawWeights = weights.Append(priorWeight).ToArray();
        if (n == 0) rawWeights = [1.0];
        var total = rawWeights.Sum();
        _logWeights = rawWeights.Select(w => Math.Log(w / total)).ToArray();
        _mu = new double[components][];
        _sigma = new double[components][];
        _logNormaliser = new double[components][];
        _logProbabilities = new double[components][][];
        for (var c = 0; c < components; c++)
        {
            _mu[c] = new double[columns];
            _sigma[c] = new double[columns];
            _logNormaliser[c] = new double[columns];
            _logProbabilities[c] = new double[columns][];
        }
        var minSigma = 1.0 / Math.Min(100.0, n + 2.0);
        for (var j = 0; j < columns; j++)
        {
            if (choices[j] > 0)
            {
                var k = choices[j];
                for (var c = 0; c < components; c++)
                {
                    var p = new double[k];
                    var isPrior = c == n;
                    for (var i = 0; i < k; i++) p[i] = priorWeight / components;
                    if (!isPrior) p[(int)observations[c][j]] += 1;
                    if (isPrior && priorWeight <= 0) Array.Fill(p, 1.0);
                    var sum = p.Sum();
                    _logProbabilities[c][j] = p.Select(x => Math.Log(x / sum)).ToArray();
                }
                continue;
            }
            var sigmas = multivariate
                ? Enumerable.Repeat(0.2 * Math.Pow(Math.Max(n, 1), -1.0 / (columns + 4)), n).ToArray()
                : NeighbourSigmas(observations.Select(o => o[j]).ToArray());
            for (var c = 0; c < components; c++)
            {
                var isPrior = c == n;
                var mu = isPrior ? 0.5 : observations[c][j];
                var sigma = isPrior ? 1.0 : Math.Clamp(sigmas[c], minSigma, 1.0);
                _mu[c][j] = mu;
                _sigma[c][j] = sigma;
                var mass = Normal.Cdf((1 - mu) / sigma) - Normal.Cdf(-mu / sigma);
                _logNormaliser[c][j] = Math.Log(sigma) + 0.91893853320467274178 + Math.Log(Math.Max(mass, 1e-300));
            }
        }
    }

    /// <summary>Univariate bandwidths (Optuna's): the larger distance to the neighbours among the observations, the prior's centre and the bounds.</summary>
    private static double[] NeighbourSigmas(double[] mus)
    {
        var n = mus.Length;
        var withPrior = mus.Append(0.5).ToArray();
        var order = Enumerable.Range(0, n + 1).OrderBy(i => withPrior[i]).ThenBy(i => i).ToArray();
        var sorted = new double[n + 3];
        sorted[0] = 0;
        for (var i = 0; i <= n; i++) sorted[i + 1] = withPrior[order[i]];
        sorted[n + 2] = 1;
        var sortedSigmas = new double[n + 1];
        for (var i = 0; i <= n; i++) sortedSigmas[i] = Math.Max(sorted[i + 1] - sorted[i], sorted[i + 2] - sorted[i + 1]);
        if (n + 3 >= 4)
        {
            // Not against the bounds: the outermost kernels take their inner gap (consider_endpoints off).
            sortedSigmas[0] = sorted[2] - sorted[1];
            sortedSigmas[n] = sorted[n + 1] - sorted[n];
        }
        var sigmas = new double[n];
        for (var i = 0; i <= n; i++)
        {
            if (order[i] < n) sigmas[order[i]] = sortedSigmas[i];
        }
        return sigmas;
    }

    /// <summary>One draw: a component by weight, then each column from it (truncated normals by rejection).</summary>
    public double[] Sample(Rng rng)
    {
        var u = rng.NextDouble();
        var c = 0;
        for (var acc = 0.0; c < _logWeights.Length - 1; c++)
        {
            acc += Math.Exp(_logWeights[c]);
            if (u < acc) break;
        }
        var x = new double[_choices.Length];
        for (var j = 0; j < x.Length; j++)
        {
            if (_choices[j] > 0)
            {
                var r = rng.NextDouble();
                var p = _logProbabilities[c][j];
                var i = 0;
                for (var acc = 0.0; i < p.Length - 1; i++)
                {
                    acc += Math.Exp(p[i]);
                    if (r < acc) break;
                }
                x[j] = i;
                continue;
            }
            double v;
            var tries = 0;
            do { v = _mu[c][j] + _sigma[c][j] * rng.NextGaussian(); }
            while ((v < 0 || v > 1) && ++tries < 100);
            x[j] = Math.Clamp(v, 0, 1);
        }
        return x;
    }

    public double LogPdf(double[] x)
    {
        var max = double.NegativeInfinity;
        Span<double> terms = _logWeights.Length <= 1024 ? stackalloc double[_logWeights.Length] : new double[_logWeights.Length];
        for (var c = 0; c < _logWeights.Length; c++)
        {
            var sum = _logWeights[c];
            for (var j = 0; j < x.Length; j++)
            {
                if (_choices[j] > 0)
                {
                    sum += _logProbabilities[c][j][(int)x[j]];
                }
                else
                {
                    var z = (x[j] - _mu[c][j]) / _sigma[c][j];
                    sum += -0.5 * z * z - _logNormaliser[c][j];
                }
            }
            terms[c] = sum;
            if (sum > max) max = sum;
        }
        var total = 0.0;
        foreach (var t in terms) total += Math.Exp(t - max);
        return max + Math.Log(total);
    }
}
