using EnsembleFarm.Domain.Search;

namespace EnsembleFarm.SearchProblems;

/// <summary>
/// The six problems issue 7 compares our samplers and Optuna's on (bench/SearchBench): two classic low-dimensional
/// ones with several basins (Branin, Hartmann-6), a curved valley in 10 dimensions (Rosenbrock), a bowl covered in
/// local minima (Ackley, 5), many separate basins in 8 dimensions (Styblinski-Tang) and a mixed space of floats,
/// whole numbers and a categorical. Domains as in Surjanovic and Bingham's library of test functions.
/// </summary>
public static class BenchmarkProblems
{
    public static IReadOnlyList<SearchProblem> All { get; } =
    [
        new("branin", TestFunctions.BraninSpace, TestFunctions.Branin, Point(("x", Math.PI), ("y", 2.275))),
        new("hartmann6", TestFunctions.Box(6, 0, 1), TestFunctions.Hartmann6, Box(0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573)),
        new("rosenbrock10", TestFunctions.Box(10, -5, 10), TestFunctions.Rosenbrock, Box(Enumerable.Repeat(1.0, 10).ToArray())),
        // The minimum is the box's centre, where CMA-ES starts its mean and TPE its prior: it favours both (and both sides' alike).
        new("ackley5", TestFunctions.Box(5, -32.768, 32.768), TestFunctions.Ackley, Box(new double[5])),
        new("styblinski_tang8", TestFunctions.Box(8), TestFunctions.StyblinskiTang, Box(Enumerable.Repeat(TestFunctions.StyblinskiTangArgmin, 8).ToArray())),
        new("mixed_int_cat", TestFunctions.MixedIntegerSpace, TestFunctions.MixedInteger, Point(("kind", "b"), ("x0", 1.5), ("x1", -1.0), ("n0", 3), ("n1", 16))),
    ];

    public static SearchProblem Find(string name) =>
        All.FirstOrDefault(p => p.Name == name)
        ?? throw new ArgumentException($"unknown problem '{name}'; the problems are {string.Join(", ", All.Select(p => p.Name))}");

    private static Dictionary<string, ParamValue> Point(params (string Name, ParamValue Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);

    private static Dictionary<string, ParamValue> Box(params double[] x) =>
        Point([.. x.Select((v, i) => ($"x{i}", (ParamValue)v))]);
}
