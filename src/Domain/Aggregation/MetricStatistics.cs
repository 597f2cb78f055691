using EnsembleFarm.Domain.Statistics;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Metrics;

namespace EnsembleFarm.Domain.Aggregation;

/// <summary>
/// The task's metrics (TaskMetrics) of one predictor on the test part, each as a statistic the bootstrap can recompute
/// on resampled rows. They follow RuleScorer: accuracy and macro F1 come from the predictor's decisions, the rest from
/// its scores. With every row once they give the report's values (to rounding; tests hold them to it).
/// </summary>
internal sealed class MetricStatistics
{
    private readonly TaskKind _task;
    private readonly int _classCount;
    private readonly float[] _targets;
    private readonly int _targetWidth;
    private readonly Dictionary<float[], ScoreOrder> _orders = new(ReferenceEqualityComparer.Instance);

    public MetricStatistics(TaskKind task, int classCount, float[] targets, int targetWidth)
    {
        _task = task;
        _classCount = classCount;
        _targets = targets;
        _targetWidth = targetWidth;
    }

    /// <summary>The metric whose per-row values a paired z-test compares: accuracy (classification) or absolute error (regression).</summary>
    public string RowMeanMetric => _task == TaskKind.Regression ? TaskMetrics.Mae : TaskMetrics.Accuracy;

    /// <summary>A rule's metrics, for the names in <paramref name="metrics"/>.</summary>
    public Dictionary<string, IResampledStatistic> ForRule(RuleOutput output, IEnumerable<string> metrics) =>
        For(output.Scores, output.Decisions, metrics);

    /// <summary>A member's metrics from its predictions, deciding as TaskMetrics does (p &gt; 0.5; arg-max).</summary>
    public Dictionary<string, IResampledStatistic> ForMember(float[] predictions, IEnumerable<string> metrics) =>
        For(predictions, _task == TaskKind.Regression ? null : Decide(predictions), metrics);

    /// <summary>Binary: the rows of <paramref name="scores"/> in score order, sorted once for the ranking metrics and DeLong's test.</summary>
    public ScoreOrder OrderOf(float[] scores)
    {
        if (!_orders.TryGetValue(scores, out var order)) _orders[scores] = order = ScoreOrder.Of(scores, _targets);
        return order;
    }

    /// <summary>The per-row values whose mean is <see cref="RowMeanMetric"/>.</summary>
    public static double[] RowValues(IResampledStatistic rowMeanStatistic) => ((ResampledMean)rowMeanStatistic).Values;

    private Dictionary<string, IResampledStatistic> For(float[] scores, int[]? decisions, IEnumerable<string> metrics)
    {
        var rows = _targets.Length / _targetWidth;
        var wanted = metrics.ToHashSet();
        var statistics = new Dictionary<string, IResampledStatistic>();
        void Add(string metric, Func<IResampledStatistic> create)
        {
            if (wanted.Contains(metric)) statistics[metric] = create();
        }

        switch (_task)
        {
            case TaskKind.Binary:
                Add(TaskMetrics.Accuracy, () => PerRow(rows, i => decisions![i] == _targets[i] ? 1 : 0));
                Add(TaskMetrics.RocAuc, () => new ResampledRocAuc(OrderOf(scores)));
                Add(TaskMetrics.PrAuc, () => new ResampledAveragePrecision(OrderOf(scores)));
                Add(TaskMetrics.LogLoss, () => PerRow(rows, i =>
                {
                    var p = Math.Clamp((double)scores[i], BinaryMetrics.ProbabilityClip, 1 - BinaryMetrics.ProbabilityClip);
                    return -(_targets[i] == 1f ? Math.Log(p) : Math.Log(1 - p));
                }));
                Add(TaskMetrics.Brier, () => PerRow(rows, i => ((double)scores[i] - _targets[i]) * ((double)scores[i] - _targets[i])));
                Add(TaskMetrics.CalibrationError, () => new ResampledCalibrationError(scores, _targets));
                break;
            case TaskKind.Multiclass:
                var actual = Array.ConvertAll(_targets, t => (int)t);
                Add(TaskMetrics.Accuracy, () => PerRow(rows, i => decisions![i] == actual[i] ? 1 : 0));
                Add(TaskMetrics.MacroF1, () => new ResampledMacroF1(decisions!, actual, _classCount));
                Add(TaskMetrics.LogLoss, () => PerRow(rows, i =>
                    -Math.Log(Math.Max(scores[i * _classCount + actual[i]], BinaryMetrics.ProbabilityClip))));
                break;
            default:
                var squaredErrors = new double[rows];
                var absoluteErrors = new double[rows];
                for (var i = 0; i < _targets.Length; i++)
                {
                    var error = (double)scores[i] - _targets[i];
                    squaredErrors[i / _targetWidth] += error * error;
                    absoluteErrors[i / _targetWidth] += Math.Abs(error);
                }
                Add(TaskMetrics.Rmse, () => new ResampledRootMean(Array.ConvertAll(squaredErrors, e => e / _targetWidth)));
                Add(TaskMetrics.Mae, () => new ResampledMean(Array.ConvertAll(absoluteErrors, e => e / _targetWidth)));
                Add(TaskMetrics.R2, () => new ResampledR2(squaredErrors, _targets, _targetWidth));
                break;
        }
        return statistics;
    }

    private int[] Decide(float[] predictions)
    {
        var rows = _targets.Length;
        var decisions = new int[rows];
        var probabilities = new double[_classCount];
        for (var i = 0; i < rows; i++)
        {
            if (_task == TaskKind.Binary)
            {
                decisions[i] = ClassDecision.FromProbability(predictions[i]);
                continue;
            }
            for (var c = 0; c < _classCount; c++) probabilities[c] = predictions[i * _classCount + c];
            decisions[i] = ClassDecision.ArgMax(probabilities);
        }
        return decisions;
    }

    private static ResampledMean PerRow(int rows, Func<int, double> value)
    {
        var values = new double[rows];
        for (var i = 0; i < rows; i++) values[i] = value(i);
        return new ResampledMean(values);
    }
}
