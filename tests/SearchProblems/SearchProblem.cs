using EnsembleFarm.Domain.Search;

namespace EnsembleFarm.SearchProblems;

/// <summary>A function to minimise on a space, with a point where it is smallest, so a search's regret can be stated.</summary>
/// <param name="Minimiser">A global minimiser (where a function has several, any one).</param>
public sealed record SearchProblem(string Name, SearchSpace Space, Func<IReadOnlyDictionary<string, ParamValue>, double> Function,
    IReadOnlyDictionary<string, ParamValue> Minimiser)
{
    /// <summary>
    /// The function at <see cref="Minimiser"/>, not a rounded constant from the literature: a regret near 1e-6 is then
    /// measured from the function's own floor (Hartmann-6's minimiser is published to six digits only, which is
    /// enough for its value to eleven, as the function is flat to second order there).
    /// </summary>
    public double Minimum => Function(Minimiser);

    public double Regret(double best) => best - Minimum;
}
