using EnsembleFarm.Models.Data;
using EnsembleFarm.Store;
using EnsembleFarm.Models;

namespace EnsembleFarm.Domain.Tests.Planning;

/// <summary>Small data sets whose rows can be traced back, and the store's view of a planned trial.</summary>
internal static class PlanningData
{
    /// <summary>Rows whose first feature is the row number, so a selected row can be traced back; every 4th row is class 1 (25 %).</summary>
    public static Dataset Binary(int rows) => new(
        ["row", "x"],
        Enumerable.Range(0, rows).SelectMany(r => new[] { r, r * 0.5f }).ToArray(),
        ["y"],
        Enumerable.Range(0, rows).Select(r => r % 4 == 0 ? 1f : 0f).ToArray(),
        TaskKind.Binary,
        2,
        Enumerable.Range(0, rows).Select(r => $"event-{r}").ToArray());

    public static Dataset Regression(int rows) => new(
        ["row"],
        Enumerable.Range(0, rows).Select(r => (float)r).ToArray(),
        ["pt", "eta"],
        Enumerable.Range(0, rows).SelectMany(r => new[] { r * 2f, -r }).ToArray(),
        TaskKind.Regression,
        0);

    public static TrialRecord Record(NewTrial trial) => new(
        trial.Index + 100, 1, trial.Index, TrialState.Running, 1, trial.ParamsJson, trial.SplitSeed, trial.InitSeed, trial.Slots,
        "silo", null, null, null, null);

    public static int[] RowNumbers(Dataset part) => Enumerable.Range(0, part.Rows).Select(r => (int)part.Row(r)[0]).ToArray();
}
