using EnsembleFarm.Domain.Search;

namespace EnsembleFarm.SearchProblems;

/// <summary>Known functions with known minima, on the spaces the sampler tests search.</summary>
public static class TestFunctions
{
    private static readonly double[] Centre = [1.5, -2.0, 0.5, 3.0, -1.0];

    /// <summary>x0 … x(d−1) in [low, high] (by default [−5, 5]).</summary>
    public static SearchSpace Box(int dims, double low = -5, double high = 5) =>
        new(Enumerable.Range(0, dims).Select(i => new ParameterSpec($"x{i}", new FloatDistribution(low, high))));

    /// <summary>x0 … x(d−1) of an assignment on a <see cref="Box"/>.</summary>
    public static double[] Coordinates(IReadOnlyDictionary<string, ParamValue> p) =>
        Enumerable.Range(0, p.Count).Select(i => p[$"x{i}"].AsDouble()).ToArray();

    /// <summary>Σ (xᵢ − cᵢ)², minimum 0 at c = (1.5, −2, 0.5, 3, −1) (off-centre, so the box's middle is no help).</summary>
    public static double ShiftedQuadratic(IReadOnlyDictionary<string, ParamValue> p) =>
        Enumerable.Range(0, p.Count).Sum(i => Math.Pow(p[$"x{i}"].AsDouble() - Centre[i], 2));

    public static SearchSpace BraninSpace { get; } = new(
        new ParameterSpec("x", new FloatDistribution(-5, 10)),
        new ParameterSpec("y", new FloatDistribution(0, 15)));

    /// <summary>Branin-Hoo: three global minima of 0.397887.</summary>
    public static double Branin(IReadOnlyDictionary<string, ParamValue> p)
    {
        var x = p["x"].AsDouble();
        var y = p["y"].AsDouble();
        const double b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, t = 1 / (8 * Math.PI);
        return Math.Pow(y - b * x * x + c * x - 6, 2) + 10 * (1 - t) * Math.Cos(x) + 10;
    }

    /// <summary>Exactly 5/(4π); the digits matter when a benchmark reports regrets of 1e-5.</summary>
    public const double BraninMinimum = 5 / (4 * Math.PI);

    /// <summary>A learning rate on a log scale (1e-6 … 1) and a log-scaled batch size: what a real search tunes.</summary>
    public static SearchSpace LearningRateSpace { get; } = new(
        new ParameterSpec("lr", new FloatDistribution(1e-6, 1, Log: true)),
        new ParameterSpec("batch", new IntDistribution(16, 1024, Log: true)));

    /// <summary>Minimum 0 at lr = 10^−3.5 and batch = 128; flat-ish in linear lr, so only the log axis makes it easy.</summary>
    public static double LearningRateLoss(IReadOnlyDictionary<string, ParamValue> p) =>
        Math.Pow(Math.Log10(p["lr"].AsDouble()) + 3.5, 2) + 0.25 * Math.Pow(Math.Log2(p["batch"].AsDouble()) - 7, 2);

    /// <summary>An optimizer choice and its learning rate-like knob.</summary>
    public static SearchSpace MixedSpace { get; } = new(
        new ParameterSpec("optimizer", new CategoricalDistribution("sgd", "adam", "rmsprop", "adagrad")),
        new ParameterSpec("x", new FloatDistribution(0, 1)),
        new ParameterSpec("y", new FloatDistribution(0, 1)));

    /// <summary>Each optimizer has its own offset and optimum; the minimum 0 is adam at (0.7, 0.2).</summary>
    public static double Mixed(IReadOnlyDictionary<string, ParamValue> p)
    {
        var (offset, cx, cy) = p["optimizer"].AsText() switch
        {
            "sgd" => (1.0, 0.2, 0.8),
            "adam" => (0.0, 0.7, 0.2),
            "rmsprop" => (0.3, 0.4, 0.5),
            _ => (0.6, 0.9, 0.9),
        };
        return offset + 4 * (Math.Pow(p["x"].AsDouble() - cx, 2) + Math.Pow(p["y"].AsDouble() - cy, 2));
    }

    /// <summary>A network: depth 1–4, a width per existing layer (log scale), an activation.</summary>
    public static SearchSpace ArchitectureSpace { get; } = new(
        [
            new ParameterSpec("depth", new IntDistribution(1, 4)),
            .. Enumerable.Range(1, 4).Select(k => new ParameterSpec($"width_{k}", new IntDistribution(8, 512, Log: true), k == 1 ? null : [Condition.AtLeast("depth", k)])),
            new ParameterSpec("activation", new CategoricalDistribution("relu", "tanh", "gelu")),
            new ParameterSpec("dropout", new FloatDistribution(0, 0.5)),
        ]);

    /// <summary>Minimum 0 at depth 3, widths 64, 128, 256, gelu, dropout 0.1.</summary>
    public static double ArchitectureLoss(IReadOnlyDictionary<string, ParamValue> p)
    {
        var depth = (int)p["depth"].AsInt();
        var loss = Math.Abs(depth - 3) * 1.0;
        for (var k = 1; k <= depth; k++) loss += 0.25 * Math.Pow(Math.Log2(p[$"width_{k}"].AsDouble()) - (5 + k), 2);
        loss += p["activation"].AsText() == "gelu" ? 0 : 0.5;
        loss += 10 * Math.Pow(p["dropout"].AsDouble() - 0.1, 2);
        return loss;
    }

    private static readonly double[] HartmannAlpha = [1.0, 1.2, 3.0, 3.2];

    private static readonly double[,] HartmannA =
    {
        { 10, 3, 17, 3.5, 1.7, 8 },
        { 0.05, 10, 17, 0.1, 8, 14 },
        { 3, 3.5, 1.7, 10, 17, 8 },
        { 17, 8, 0.05, 10, 0.1, 14 },
    };

    private static readonly double[,] HartmannP =
    {
        { 0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886 },
        { 0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991 },
        { 0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650 },
        { 0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381 },
    };

    /// <summary>Hartmann-6 on [0, 1]⁶: six local minima, the global one −3.32237 at (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573).</summary>
    public static double Hartmann6(IReadOnlyDictionary<string, ParamValue> p)
    {
        var x = Coordinates(p);
        var sum = 0.0;
        for (var i = 0; i < 4; i++)
        {
            var inner = 0.0;
            for (var j = 0; j < 6; j++) inner += HartmannA[i, j] * Math.Pow(x[j] - HartmannP[i, j], 2);
            sum += HartmannAlpha[i] * Math.Exp(-inner);
        }
        return -sum;
    }

    /// <summary>Rosenbrock's valley: Σ 100 (xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)², minimum 0 at (1, …, 1), at the end of a long curved valley.</summary>
    public static double Rosenbrock(IReadOnlyDictionary<string, ParamValue> p)
    {
        var x = Coordinates(p);
        var sum = 0.0;
        for (var i = 0; i + 1 < x.Length; i++) sum += 100 * Math.Pow(x[i + 1] - x[i] * x[i], 2) + Math.Pow(1 - x[i], 2);
        return sum;
    }

    /// <summary>Ackley: a bowl covered in regular local minima, minimum 0 at the origin.</summary>
    public static double Ackley(IReadOnlyDictionary<string, ParamValue> p)
    {
        var x = Coordinates(p);
        var squares = x.Average(v => v * v);
        var cosines = x.Average(v => Math.Cos(2 * Math.PI * v));
        return -20 * Math.Exp(-0.2 * Math.Sqrt(squares)) - Math.Exp(cosines) + 20 + Math.E;
    }

    /// <summary>Where each coordinate of Styblinski-Tang is smallest: the root of 4x³ − 32x + 5 = 0 near −2.9.</summary>
    public const double StyblinskiTangArgmin = -2.903534027771178;

    /// <summary>Styblinski-Tang: ½ Σ (xᵢ⁴ − 16xᵢ² + 5xᵢ), minimum −39.16617·d at every xᵢ = −2.903534; 2ᵈ local minima.</summary>
    public static double StyblinskiTang(IReadOnlyDictionary<string, ParamValue> p) =>
        0.5 * Coordinates(p).Sum(v => Math.Pow(v, 4) - 16 * v * v + 5 * v);

    /// <summary>
    /// Two floats, two whole numbers (one on a log scale) and a categorical that moves the floats' optimum and adds its
    /// own offset: a space as a real search has, where only a sampler that handles all three kinds does well.
    /// </summary>
    public static SearchSpace MixedIntegerSpace { get; } = new(
        new ParameterSpec("kind", new CategoricalDistribution("a", "b", "c", "d")),
        new ParameterSpec("x0", new FloatDistribution(-5, 5)),
        new ParameterSpec("x1", new FloatDistribution(-5, 5)),
        new ParameterSpec("n0", new IntDistribution(-8, 8)),
        new ParameterSpec("n1", new IntDistribution(1, 64, Log: true)));

    /// <summary>Minimum 0 at kind b, x = (1.5, −1), n0 = 3, n1 = 16; the other kinds' best are 0.5, 1 and 2.</summary>
    public static double MixedInteger(IReadOnlyDictionary<string, ParamValue> p)
    {
        var (offset, cx, cy) = p["kind"].AsText() switch
        {
            "a" => (1.0, -2.0, 2.0),
            "b" => (0.0, 1.5, -1.0),
            "c" => (0.5, 3.0, 3.0),
            _ => (2.0, -4.0, -4.0),
        };
        return offset + Math.Pow(p["x0"].AsDouble() - cx, 2) + Math.Pow(p["x1"].AsDouble() - cy, 2)
            + 0.5 * Math.Pow(p["n0"].AsInt() - 3, 2) + Math.Pow(Math.Log2(p["n1"].AsInt()) - 4, 2);
    }
}
