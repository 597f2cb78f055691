using EnsembleFarm.Domain.Search;

namespace EnsembleFarm.SearchProblems;

/// <summary>Known functions with known minima, on the spaces the sampler tests search.</summary>
public static class TestFunctions
{
    private static readonly double[] Centre = [1.5, -2.0, 0.5, 3.0, -1.0];

    /// <summary>x0 … x(d−1) in [−5, 5].</summary>
    public static SearchSpace Box(int dims) =>
        new(Enumerable.Range(0, dims).Select(i => new ParameterSpec($"x{i}", new FloatDistribution(-5, 5))));

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

    public const double BraninMinimum = 0.397887;

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
}
