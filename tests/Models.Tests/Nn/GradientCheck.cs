using EnsembleFarm.Models.Nn;
using Xunit;

namespace EnsembleFarm.Models.Tests.Nn;

/// <summary>
/// Compares a layer's analytic gradients with central differences of the scalar L = Σ r ⊙ forward(x),
/// r fixed and random. The float step must be small for the layer's curvature yet large against float32
/// rounding. Layers come from a factory, so that every evaluation sees the same initial weights and the
/// same dropout mask.
/// </summary>
internal static class GradientCheck
{
    private const double Tolerance = 2e-3;

    public static void Layer(Func<Layer> create, int rows, Func<Rng, float>? inputValue = null, bool training = true, float step = 1e-2f)
    {
        var rng = new Rng(99);
        var probe = create();
        var input = new float[rows * probe.InputWidth];
        for (var i = 0; i < input.Length; i++) input[i] = inputValue?.Invoke(rng) ?? (float)rng.NextGaussian();
        var weights = new float[rows * probe.OutputWidth];
        for (var i = 0; i < weights.Length; i++) weights[i] = (float)rng.NextGaussian();
        var pass = new PassOptions(training);

        var layer = create();
        layer.Reserve(rows);
        var output = new float[weights.Length];
        layer.Forward(input, output, rows, pass);
        var inputGradient = new float[input.Length];
        layer.Backward(input, output, weights, inputGradient, rows, pass);

        double Objective(float[] x, Action<Layer>? perturb)
        {
            var fresh = create();
            fresh.Reserve(rows);
            perturb?.Invoke(fresh);
            var y = new float[weights.Length];
            fresh.Forward(x, y, rows, pass);
            var sum = 0.0;
            for (var i = 0; i < y.Length; i++) sum += (double)weights[i] * y[i];
            return sum;
        }

        for (var i = 0; i < input.Length; i++)
        {
            var plus = (float[])input.Clone();
            var minus = (float[])input.Clone();
            plus[i] += step;
            minus[i] -= step;
            var numeric = (Objective(plus, null) - Objective(minus, null)) / (plus[i] - minus[i]);
            AssertClose(numeric, inputGradient[i], $"input[{i}]");
        }

        var parameters = layer.Parameters.ToList();
        for (var p = 0; p < parameters.Count; p++)
            for (var i = 0; i < parameters[p].Length; i++)
            {
                var index = p;
                var element = i;
                var original = parameters[p].Value.Data[i];
                var numeric = (Objective(input, l => l.Parameters.ElementAt(index).Value.Data[element] = original + step)
                             - Objective(input, l => l.Parameters.ElementAt(index).Value.Data[element] = original - step))
                            / ((original + step) - (original - step));
                AssertClose(numeric, parameters[p].Gradient[i], $"{parameters[p].Name}[{i}]");
            }
    }

    private static void AssertClose(double numeric, double analytic, string what)
    {
        var error = Math.Abs(numeric - analytic) / Math.Max(1.0, Math.Abs(numeric));
        Assert.True(error < Tolerance, $"∂L/∂{what}: analytic {analytic}, numeric {numeric} (relative error {error:g3})");
    }
}
