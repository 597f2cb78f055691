using System.Globalization;

namespace EnsembleFarm.Domain.Search;

/// <summary>How the pruners write numbers and steps in their reasons, so the reasons read alike.</summary>
internal static class CurveText
{
    public static string Number(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>The trial's best value over its reported steps (NaN when none is a number).</summary>
    public static double BestSoFar(FrozenTrial trial, Objective objective)
    {
        var best = double.NaN;
        foreach (var value in trial.IntermediateValues.Values)
        {
            if (double.IsNaN(value)) continue;
            if (double.IsNaN(best) || objective.IsBetter(value, best)) best = value;
        }
        return best;
    }
}
