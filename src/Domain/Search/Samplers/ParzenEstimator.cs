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
/// the observed choice and prior_weight/(n+1) on every choice, normalised. Bandwidths (<see cref="TpeBandwidth"/>):
/// per parameter, the larger gap to the neighbouring observations, or one σ = 0.2·n^(−1/(d+4)) (Scott-like). Both
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
    /// <param name="orders">
    /// For the gap rule, from a caller that keeps the columns sorted: per column, the n observations and the prior's
    /// centre 0.5 (index n) by value, ties by index (<see cref="StableOrder"/>), n + 1 indices a column, column after
    /// column (categorical ones too, not read). Sorted here when empty.
    /// </param>
    /// <remarks>Its arrays come from a pool: dispose of it once the suggestion is made.</remarks>
    public ParzenEstimator(ReadOnlySpan<double> observations, ReadOnlySpan<double> weights, int[] choices, double priorWeight, TpeBandwidth bandwidth,
        ReadOnlySpan<int> orders = default)
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
        var lanes = Pool.Rent(_stride);
        var order = ArrayPool<int>.Shared.Rent(n + 1);
        try
        {
            for (var j = 0; j < columns; j++)
            {
                var column = observations.Slice(j * n, n);
                if (choices[j] > 0)
                {
                    CategoricalKernels(column, j, priorWeight);
                    continue;
                }
                var columnOrder = ReadOnlySpan<int>.Empty;
                if (bandwidth == TpeBandwidth.Gaps && !orders.IsEmpty) columnOrder = orders.Slice(j * (n + 1), n + 1);
                else if (bandwidth == TpeBandwidth.Gaps)
                {
                    column.CopyTo(lanes);
                    lanes[n] = 0.5;
                    StableOrder.Sort(lanes.AsSpan(0, n + 1), order);
                    columnOrder = order.AsSpan(0, n + 1);
                }
                NumericKernels(column, j, columnOrder, minSigma, 0.2 * Math.Pow(Math.Max(n, 1), -1.0 / (columns + 4)), lanes);
            }
        }
        finally
        {
            Pool.Return(lanes);
            ArrayPool<int>.Shared.Return(order);
        }
    }

    /// <summary>
    /// A numeric column's kernels: centres, widths (each observation's gaps to its neighbours when <paramref name="order"/>
    /// is given, else <paramref name="shared"/>) and the log of each truncated normal's normaliser.
    /// </summary>
    /// <param name="order">The observations and the prior's centre (index n) by value, ties by index; or empty.</param>
    private void NumericKernels(ReadOnlySpan<double> column, int j, ReadOnlySpan<int> order, double minSigma, double shared, double[] lanes)
    {
        var n = column.Length;
        var mu = _mu.AsSpan(j * _stride, _stride);
        var sigma = _sigma.AsSpan(j * _stride, _stride);
        var sigmas = order.IsEmpty ? null : NeighbourSigmas(column, order);
        for (var c = 0; c < _stride; c++)
        {
            var isObservation = c < n;
            mu[c] = isObservation ? column[c] : 0.5;
            sigma[c] = isObservation ? Math.Clamp(sigmas?[c] ?? shared, minSigma, 1.0) : 1.0;
        }
        // The masses go through Normal.Cdf in the order of the centres when it is known: narrow kernels far from a bound
        // have a CDF there of exactly 0 or 1, which Normal.Cdf skips a whole vector of at a time, and sorted centres put
        // those kernels side by side. Each value is the same in any order.
        var upper = _logNormaliser.AsSpan(j * _stride, _stride);
        var lower = _terms.AsSpan(0, _stride);
        for (var l = 0; l < _stride; l++)
        {
            var c = l < order.Length ? order[l] : l;
            upper[l] = (1 - mu[c]) / sigma[c];
            lower[l] = -mu[c] / sigma[c];
        }
        Normal.Cdf(upper);
        Normal.Cdf(lower);
        for (var l = 0; l < _stride; l++) lanes[l] = upper[l] - lower[l];
        // With the Scott-like rule every observation's kernel has the same σ: one log σ, not one per component.
        var logSigma = double.NaN;
        var lastSigma = double.NaN;
        for (var l = 0; l < _stride; l++)
        {
            var c = l < order.Length ? order[l] : l;
            if (c >= _components)
            {
                upper[c] = 0;
                continue;
            }
            if (sigma[c] != lastSigma) (lastSigma, logSigma) = (sigma[c], Math.Log(sigma[c]));
            upper[c] = logSigma + LogSqrt2Pi + Math.Log(Math.Max(lanes[l], 1e-300));
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
    /// <param name="order">The observations and the prior's centre (index n) by value, ties by index.</param>
    private static double[] NeighbourSigmas(ReadOnlySpan<double> mus, ReadOnlySpan<int> order)
    {
        var n = mus.Length;
        var sorted = new double[n + 3];
        sorted[0] = 0;
        for (var i = 0; i <= n; i++) sorted[i + 1] = order[i] < n ? mus[order[i]] : 0.5;
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
        for (var c = 0; c < _components; c++)
        {
            // Narrow kernels leave most components astronomically below the largest: their exp is 0, which glibc's exp
            // reaches by a slow error-reporting path, and adding 0 changes nothing. (A NaN, all terms −∞, still goes in.)
            var term = _terms[c] - max;
            if (!(term <= -Normal.ExpUnderflow)) total += Math.Exp(term);
        }
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
