using EnsembleFarm.Models;

namespace EnsembleFarm.Domain.Aggregation;

/// <summary>The combination rules of each task, in the order reports show them, for the test report and for predictions alike.</summary>
internal static class EnsembleRules
{
    /// <summary>Binary and multi-class: average, then vote; regression: mean, then median.</summary>
    public static IEnsembleRule[] For(TaskKind task, int classCount) => task == TaskKind.Regression
        ? [new AverageRule(task), new MedianRule()]
        : [new AverageRule(task), new VoteRule(task, classCount)];

    /// <summary>How the task's vote breaks ties; null for regression.</summary>
    public static string? TieRule(TaskKind task) => task switch
    {
        TaskKind.Binary => VoteRule.BinaryTieRule,
        TaskKind.Multiclass => VoteRule.MulticlassTieRule,
        _ => null,
    };
}
