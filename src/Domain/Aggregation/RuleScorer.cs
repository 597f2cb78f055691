using EnsembleFarm.Models;
using EnsembleFarm.Models.Metrics;

namespace EnsembleFarm.Domain.Aggregation;

/// <summary>
/// Scores rule outputs and members with the task's standard metrics (TaskMetrics). For a
/// classification rule the decision metrics (accuracy; macro F1) come from the rule's own decisions,
/// so a vote's tie rule counts; the other metrics read its scores. Undefined values become null.
/// </summary>
internal sealed class RuleScorer
{
    private readonly TaskKind _task;
    private readonly int _classCount;
    private readonly float[] _targets;
    private readonly int[]? _classes;

    public RuleScorer(TaskKind task, int classCount, float[] targets)
    {
        _task = task;
        _classCount = classCount;
        _targets = targets;
        _classes = task == TaskKind.Multiclass ? Array.ConvertAll(targets, t => (int)t) : null;
    }

    public IReadOnlyDictionary<string, double?> ScoreMember(float[] predictions) =>
        Defined(TaskMetrics.Evaluate(_task, predictions, _targets, _classCount));

    public IReadOnlyDictionary<string, double?> Score(RuleInfo rule, RuleOutput output)
    {
        var metrics = new Dictionary<string, double?>(Defined(TaskMetrics.Evaluate(_task, output.Scores, _targets, _classCount)));
        if (output.Decisions is { } decisions)
        {
            if (_task == TaskKind.Binary)
            {
                metrics[TaskMetrics.Accuracy] = BinaryMetrics.Accuracy(Array.ConvertAll(decisions, d => (float)d), _targets);
            }
            else
            {
                metrics[TaskMetrics.Accuracy] = MulticlassMetrics.Accuracy(decisions, _classes!);
                metrics[TaskMetrics.MacroF1] = MulticlassMetrics.MacroF1(decisions, _classes!, _classCount);
            }
        }
        foreach (var undefined in rule.UndefinedMetrics) metrics[undefined] = null;
        return metrics;
    }

    private static Dictionary<string, double?> Defined(IReadOnlyDictionary<string, double> metrics) =>
        metrics.ToDictionary(m => m.Key, m => double.IsFinite(m.Value) ? m.Value : (double?)null);
}
