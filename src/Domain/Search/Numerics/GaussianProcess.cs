namespace EnsembleFarm.Domain.Search;

/// <summary>
/// A Gaussian-process regression model of standardised losses over the unit cube, with a Matérn 5/2 kernel
/// and one length scale per input (ARD), as the GP sampler and the importance helper use it.
/// <para>
/// Numeric inputs are unit coordinates (log scales already transformed). A categorical input is a
/// choice index, and its contribution to the squared distance is (a ≠ b)/ℓ²: a Hamming distance with its
/// own length scale, so no order between choices is assumed (this is how Optuna's GP treats them too).
/// </para>
/// <para>
/// Hyperparameters (log length scales, log signal variance, log noise variance) are fitted by maximising
/// the log marginal likelihood plus weak log-normal priors (which keep a handful of points from producing
/// absurd length scales), with Adam on analytic gradients from a fixed start: deterministic, and cheap for the
/// few hundred points a search has (a Cholesky factor per step).
/// </para>
/// </summary>
internal sealed class GaussianProcess
{
    private const double Sqrt5 = 2.23606797749979;
    private const double PriorLogLength = -0.6931471805599453; // log 0.5
    private const double PriorLogLengthSd = 1.0;
    private const double PriorLogSignalSd = 1.0;
    private const double PriorLogNoise = -9.210340371976182; // log 1e-4
    private const double PriorLogNoiseSd = 3.0;
    private static readonly double MinLogLength = Math.Log(1e-2), MaxLogLength = Math.Log(1e2);
    private static readonly double MinLogSignal = Math.Log(1e-2), MaxLogSignal = Math.Log(1e2);
    private static readonly double MinLogNoise = Math.Log(1e-6), MaxLogNoise = Math.Log(1.0);

    private readonly double[][] _x;
    private readonly bool[] _categorical;
    private readonly double[] _inverseSquaredLength;
    private readonly double _signal;
    private readonly double _noise;
    private readonly Cholesky _factor;
    private readonly double[] _alpha;

    private GaussianProcess(double[][] x, bool[] categorical, double[] y, double[] lengths, double signal, double noise)
    {
        _x = x;
        _categorical = categorical;
        LengthScales = lengths;
        _inverseSquaredLength = lengths.Select(l => 1 / (l * l)).ToArray();
        _signal = signal;
        _noise = noise;
        var n = x.Length;
        var k = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var v = Kernel(x[i], x[j]);
                k[i * n + j] = v;
                k[j * n + i] = v;
            }
            k[i * n + i] += noise;
        }
        _factor = Cholesky.Factor(k, n);
        _alpha = (double[])y.Clone();
        _factor.Solve(_alpha);
    }

    public IReadOnlyList<double> LengthScales { get; }

    public double Signal => _signal;

    public double Noise => _noise;

    /// <summary>An input vector with inactive (NaN) entries replaced: 0.5 for a numeric input, the extra category −1 for a categorical one.</summary>
    public static double[] Impute(ReadOnlySpan<double> encoded, bool[] categorical)
    {
        var x = new double[encoded.Length];
        for (var d = 0; d < x.Length; d++) x[d] = double.IsNaN(encoded[d]) ? (categorical[d] ? -1 : 0.5) : encoded[d];
        return x;
    }

    /// <summary>Fits the hyperparameters to (<paramref name="x"/>, <paramref name="y"/>); y should be standardised.</summary>
    public static GaussianProcess Fit(double[][] x, bool[] categorical, double[] y, int iterations = 120)
    {
        var n = x.Length;
        var dims = categorical.Length;
        // Squared coordinate differences of every pair, fixed while the hyperparameters move.
        var pairs = n * (n - 1) / 2;
        var delta = new double[pairs * dims];
        for (int i = 1, p = 0; i < n; i++)
        {
            for (var j = 0; j < i; j++, p++)
            {
                for (var d = 0; d < dims; d++)
                {
                    var diff = categorical[d] ? (x[i][d] == x[j][d] ? 0 : 1) : x[i][d] - x[j][d];
                    delta[p * dims + d] = diff * diff;
                }
            }
        }
        var theta = new double[dims + 2];
        for (var d = 0; d < dims; d++) theta[d] = PriorLogLength;
        theta[dims] = 0;
        theta[dims + 1] = Math.Log(1e-3);
        var gradient = new double[dims + 2];
        var m = new double[dims + 2];
        var v = new double[dims + 2];
        var best = (double[])theta.Clone();
        var bestValue = double.NegativeInfinity;
        var work = new Workspace(n);
        for (var t = 1; t <= iterations; t++)
        {
            var value = Objective(theta, delta, y, dims, work, gradient);
            if (value > bestValue)
            {
                bestValue = value;
                Array.Copy(theta, best, theta.Length);
            }
            var rate = 0.1 * (1 - 0.9 * (t - 1) / Math.Max(1, iterations - 1));
            for (var i = 0; i < theta.Length; i++)
            {
                m[i] = 0.9 * m[i] + 0.1 * gradient[i];
                v[i] = 0.999 * v[i] + 0.001 * gradient[i] * gradient[i];
                var mHat = m[i] / (1 - Math.Pow(0.9, t));
                var vHat = v[i] / (1 - Math.Pow(0.999, t));
                theta[i] += rate * mHat / (Math.Sqrt(vHat) + 1e-8);
            }
            Clamp(theta, dims);
        }
        if (Objective(theta, delta, y, dims, work, gradient) > bestValue) best = theta;
        return new GaussianProcess(x, categorical, y,
            best.Take(dims).Select(Math.Exp).ToArray(), Math.Exp(best[dims]), Math.Exp(best[dims + 1]));
    }

    /// <summary>The same hyperparameters conditioned on other data (the constant liar adds made-up results).</summary>
    public GaussianProcess WithData(double[][] x, double[] y) =>
        new(x, _categorical, y, LengthScales.ToArray(), _signal, _noise);

    /// <summary>Posterior mean and variance of the latent function at <paramref name="x"/>.</summary>
    public (double Mean, double Variance) Predict(double[] x)
    {
        var n = _x.Length;
        Span<double> k = n <= 512 ? stackalloc double[n] : new double[n];
        var mean = 0.0;
        for (var i = 0; i < n; i++)
        {
            k[i] = Kernel(x, _x[i]);
            mean += k[i] * _alpha[i];
        }
        _factor.SolveLower(k);
        var explained = 0.0;
        for (var i = 0; i < n; i++) explained += k[i] * k[i];
        return (mean, Math.Max(_signal - explained, 1e-12 * _signal));
    }

    /// <summary>Posterior mean only: O(n) per point, for the importance helper's many predictions.</summary>
    public double PredictMean(double[] x)
    {
        var mean = 0.0;
        for (var i = 0; i < _x.Length; i++) mean += Kernel(x, _x[i]) * _alpha[i];
        return mean;
    }

    private double Kernel(double[] a, double[] b)
    {
        var r2 = 0.0;
        for (var d = 0; d < a.Length; d++)
        {
            var diff = _categorical[d] ? (a[d] == b[d] ? 0 : 1) : a[d] - b[d];
            r2 += diff * diff * _inverseSquaredLength[d];
        }
        var u = Sqrt5 * Math.Sqrt(r2);
        return _signal * (1 + u + u * u / 3) * Math.Exp(-u);
    }

    private static void Clamp(double[] theta, int dims)
    {
        for (var d = 0; d < dims; d++) theta[d] = Math.Clamp(theta[d], MinLogLength, MaxLogLength);
        theta[dims] = Math.Clamp(theta[dims], MinLogSignal, MaxLogSignal);
        theta[dims + 1] = Math.Clamp(theta[dims + 1], MinLogNoise, MaxLogNoise);
    }

    private sealed class Workspace(int n)
    {
        public readonly double[] K = new double[n * n];
        public readonly double[] Shape = new double[n * (n - 1) / 2]; // s²·(5/3)(1+u)e^(−u) per pair
        public readonly double[] Alpha = new double[n];
    }

    /// <summary>Log marginal likelihood plus log prior at θ, and its gradient.</summary>
    private static double Objective(double[] theta, double[] delta, double[] y, int dims, Workspace w, double[] gradient)
    {
        var n = y.Length;
        var signal = Math.Exp(theta[dims]);
        var noise = Math.Exp(theta[dims + 1]);
        Span<double> inverseSquared = stackalloc double[dims];
        for (var d = 0; d < dims; d++) inverseSquared[d] = Math.Exp(-2 * theta[d]);
        var k = w.K;
        for (int i = 1, p = 0; i < n; i++)
        {
            for (var j = 0; j < i; j++, p++)
            {
                var r2 = 0.0;
                for (var d = 0; d < dims; d++) r2 += delta[p * dims + d] * inverseSquared[d];
                var u = Sqrt5 * Math.Sqrt(r2);
                var e = Math.Exp(-u);
                var value = signal * (1 + u + u * u / 3) * e;
                k[i * n + j] = value;
                k[j * n + i] = value;
                w.Shape[p] = signal * 5.0 / 3.0 * (1 + u) * e;
            }
        }
        for (var i = 0; i < n; i++) k[i * n + i] = signal + noise;
        var factor = Cholesky.Factor(k, n);
        var alpha = w.Alpha;
        y.CopyTo(alpha, 0);
        factor.Solve(alpha);
        var inverse = factor.Inverse();

        var fit = 0.0;
        for (var i = 0; i < n; i++) fit += y[i] * alpha[i];
        var value0 = -0.5 * fit - 0.5 * factor.LogDeterminant() - 0.5 * n * Math.Log(2 * Math.PI);

        Array.Clear(gradient);
        // ∂/∂θ = ½ tr(W ∂K/∂θ) with W = ααᵀ − K⁻¹.
        var traceW = 0.0;
        var signalTerm = 0.0;
        for (var i = 0; i < n; i++)
        {
            var wii = alpha[i] * alpha[i] - inverse[i * n + i];
            traceW += wii;
            signalTerm += 0.5 * wii * signal;
        }
        for (int i = 1, p = 0; i < n; i++)
        {
            for (var j = 0; j < i; j++, p++)
            {
                var wij = alpha[i] * alpha[j] - inverse[i * n + j];
                signalTerm += wij * k[i * n + j];
                var a = wij * w.Shape[p];
                for (var d = 0; d < dims; d++) gradient[d] += a * delta[p * dims + d] * inverseSquared[d];
            }
        }
        gradient[dims] = signalTerm;
        gradient[dims + 1] = 0.5 * noise * traceW;

        // Weak log-normal priors.
        var prior = 0.0;
        for (var d = 0; d < dims; d++)
        {
            var z = (theta[d] - PriorLogLength) / PriorLogLengthSd;
            prior -= 0.5 * z * z;
            gradient[d] -= z / PriorLogLengthSd;
        }
        var zs = theta[dims] / PriorLogSignalSd;
        prior -= 0.5 * zs * zs;
        gradient[dims] -= zs / PriorLogSignalSd;
        var zn = (theta[dims + 1] - PriorLogNoise) / PriorLogNoiseSd;
        prior -= 0.5 * zn * zn;
        gradient[dims + 1] -= zn / PriorLogNoiseSd;
        return value0 + prior;
    }
}
