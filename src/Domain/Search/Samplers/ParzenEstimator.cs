using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
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
internal sealed class ParzenEstimator : IDisposable
{
    private const double LogSqrt2Pi = 0.91893853320467274178;

    private static readonly ArrayPool<double> Pool = ArrayPool<double>.Shared;

    private readonly int[] _choices;        // per column: 0 numeric, k categorical
    private readonly int _components;
    // Every per-component array is column-major with this stride: the components rounded up to whole vectors, so that
    // LogPdf runs over one column of all components a vector at a time. The padding lanes hold a harmless kernel and are
    // never read back.
    private readonly int _stride;
    private readonly double[] _logWeights;  // [component]
    private readonly double[] _mu;          // [column·stride + component] (numeric columns)
    private readonly double[] _sigma;
    private readonly double[] _logNormaliser; // log(σ√(2π)·Z), Z the mass of N(μ, σ) on [0, 1]
    private readonly int[] _choiceBlocks;   // per categorical column: the block of its first choice in _logProbabilities
    private readonly double[] _logProbabilities; // [(block of the column + choice)·stride + component]
    private readonly double[] _terms;       // LogPdf's log term per component (and the constructor's scratch column)

    /// <param name="observations">The group's columns one after the other, each with one value per observation (no NaN).</param>
    /// <param name="weights">Observation weights (≥ 0), before the prior's: one per observation.</param>
    /// <remarks>Its arrays come from a pool: dispose of it once the suggestion is made.</remarks>
    public ParzenEstimator(ReadOnlySpan<double> observations, ReadOnlySpan<double> weights, int[] choices, double priorWeight, bool multivariate)
    {
        _choices = choices;
        var n = weights.Length;
        var columns = choices.Length;
        _components = n + 1;
        _stride = (_components + Vector<double>.Count - 1) / Vector<double>.Count * Vector<double>.Count;
        _logWeights = Pool.Rent(_stride);
        _mu = Pool.Rent(columns * _stride);
        _sigma = Pool.Rent(columns * _stride);
        _logNormaliser = Pool.Rent(columns * _stride);
        _terms = Pool.Rent(_stride);
        _choiceBlocks = new int[columns];
        var blocks = 0;
        for (var j = 0; j < columns; j++)
        {
            _choiceBlocks[j] = blocks;
            blocks += choices[j];
        }
        _logProbabilities = Pool.Rent(Math.Max(blocks, 1) * _stride);
        _logWeights.AsSpan(0, _stride).Clear();

        var total = 0.0;
        for (var c = 0; c < n; c++) total += weights[c];
        total = n == 0 ? 1.0 : total + priorWeight;
        for (var c = 0; c < n; c++) _logWeights[c] = Math.Log(weights[c] / total);
        _logWeights[n] = Math.Log((n == 0 ? 1.0 : priorWeight) / total);

        var minSigma = 1.0 / Math.Min(100.0, n + 2.0);
        for (var j = 0; j < columns; j++)
        {
            var column = observations.Slice(j * n, n);
            if (choices[j] > 0)
            {
                CategoricalKernels(column, j, priorWeight);
                continue;
            }
            var mu = _mu.AsSpan(j * _stride, _stride);
            var sigma = _sigma.AsSpan(j * _stride, _stride);
            var upper = _logNormaliser.AsSpan(j * _stride, _stride);
            var lower = _terms.AsSpan(0, _stride);
            var sigmas = multivariate ? null : NeighbourSigmas(column);
            var shared = 0.2 * Math.Pow(Math.Max(n, 1), -1.0 / (columns + 4));
            for (var c = 0; c < _stride; c++)
            {
                var isObservation = c < n;
                mu[c] = isObservation ? column[c] : 0.5;
                sigma[c] = isObservation ? Math.Clamp(sigmas?[c] ?? shared, minSigma, 1.0) : 1.0;
                upper[c] = (1 - mu[c]) / sigma[c];
                lower[c] = -mu[c] / sigma[c];
            }
            Normal.Cdf(upper);
            Normal.Cdf(lower);
            // Every observation's kernel has the same σ when multivariate: one log σ, not one per component.
            var logSigma = double.NaN;
            var lastSigma = double.NaN;
            for (var c = 0; c < _stride; c++)
            {
                if (c >= _components)
                {
                    upper[c] = 0;
                    continue;
                }
                if (sigma[c] != lastSigma) (lastSigma, logSigma) = (sigma[c], Math.Log(sigma[c]));
                var mass = upper[c] - lower[c];
                upper[c] = logSigma + LogSqrt2Pi + Math.Log(Math.Max(mass, 1e-300));
            }
        }
    }

    /// <summary>
    /// A categorical column's kernels: mass 1 on the observed choice and prior_weight/(n+1) on every choice, normalised;
    /// the prior's puts prior_weight/(n+1) on each (1 when the prior weight is 0). All observations of one choice share a
    /// kernel, so each distinct one is computed once.
    /// </summary>
    private void CategoricalKernels(ReadOnlySpan<double> column, int j, double priorWeight)
    {
        var k = _choices[j];
        var n = column.Length;
        // kernels[observed choice, or k for the prior's][choice]
        var kernels = new double[(k + 1) * k];
        var p = new double[k];
        for (var observed = 0; observed <= k; observed++)
        {
            var isPrior = observed == k;
            for (var i = 0; i < k; i++) p[i] = priorWeight / _components;
            if (!isPrior) p[observed] += 1;
            if (isPrior && priorWeight <= 0) Array.Fill(p, 1.0);
            var sum = 0.0;
            for (var i = 0; i < k; i++) sum += p[i];
            for (var i = 0; i < k; i++) kernels[observed * k + i] = Math.Log(p[i] / sum);
        }
        for (var i = 0; i < k; i++)
        {
            var block = _logProbabilities.AsSpan((_choiceBlocks[j] + i) * _stride, _stride);
            block.Clear();
            for (var c = 0; c < n; c++) block[c] = kernels[(int)column[c] * k + i];
            block[n] = kernels[k * k + i];
        }
    }

    /// <summary>Univariate bandwidths (Optuna's): the larger distance to the neighbours among the observations, the prior's centre and the bounds.</summary>
    private static double[] NeighbourSigmas(ReadOnlySpan<double> mus)
    {
        var n = mus.Length;
        var withPrior = new double[n + 1];
        mus.CopyTo(withPrior);
        withPrior[n] = 0.5;
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
        for (var acc = 0.0; c < _components - 1; c++)
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
                var i = 0;
                for (var acc = 0.0; i < _choices[j] - 1; i++)
                {
                    acc += Math.Exp(_logProbabilities[(_choiceBlocks[j] + i) * _stride + c]);
                    if (r < acc) break;
                }
                x[j] = i;
                continue;
            }
            double v;
            var tries = 0;
            var mu = _mu[j * _stride + c];
            var sigma = _sigma[j * _stride + c];
            do { v = mu + sigma * rng.NextGaussian(); }
            while ((v < 0 || v > 1) && ++tries < 100);
            x[j] = Math.Clamp(v, 0, 1);
        }
        return x;
    }

    public double LogPdf(ReadOnlySpan<double> x)
    {
        _logWeights.AsSpan(0, _stride).CopyTo(_terms);
        var terms = Vectors(_terms, 0);
        for (var j = 0; j < x.Length; j++)
        {
            if (_choices[j] > 0)
            {
                var p = Vectors(_logProbabilities, _choiceBlocks[j] + (int)x[j]);
                for (var v = 0; v < terms.Length; v++) terms[v] += p[v];
                continue;
            }
            var mu = Vectors(_mu, j);
            var sigma = Vectors(_sigma, j);
            var logNormaliser = Vectors(_logNormaliser, j);
            var at = new Vector<double>(x[j]);
            var minusHalf = new Vector<double>(-0.5);
            for (var v = 0; v < terms.Length; v++)
            {
                var z = (at - mu[v]) / sigma[v];
                terms[v] += minusHalf * z * z - logNormaliser[v];
            }
        }
        var max = double.NegativeInfinity;
        for (var c = 0; c < _components; c++)
        {
            if (_terms[c] > max) max = _terms[c];
        }
        var total = 0.0;
        for (var c = 0; c < _components; c++) total += Math.Exp(_terms[c] - max);
        return max + Math.Log(total);
    }

    /// <summary>Block <paramref name="block"/> of a column-major array (one value per component) as vectors.</summary>
    private Span<Vector<double>> Vectors(double[] values, int block) =>
        MemoryMarshal.Cast<double, Vector<double>>(values.AsSpan(block * _stride, _stride));

    public void Dispose()
    {
        Pool.Return(_logWeights);
        Pool.Return(_mu);
        Pool.Return(_sigma);
        Pool.Return(_logNormaliser);
        Pool.Return(_logProbabilities);
        Pool.Return(_terms);
    }
}
