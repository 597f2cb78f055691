using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Domain.Statistics;
using EnsembleFarm.Store;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Metrics;

namespace EnsembleFarm.Domain.Aggregation;

/// <summary>
/// Turns the members' stored test predictions into the ensemble's answer: every combination rule of
/// the task side by side (binary and multi-class: average and vote; regression: mean and median), the
/// spread of the members' own metrics, the metric as a function of ensemble size, and the rows where
/// the rules disagree; with bootstrap confidence intervals of every metric, the rules compared with each
/// other and with the mean member (differences with intervals, paired tests), and each row's member spread.
/// Deterministic: members are combined in index order, and the bootstrap is seeded.
/// </summary>
public static class EnsembleAggregator
{
    /// <summary>Ensemble sizes of the size curve below the full ensemble, which always ends it.</summary>
    public static IReadOnlyList<int> CurveSizes { get; } = [1, 2, 5, 10, 20, 40];

    /// <param name="classCount">2 for binary, K for multi-class; ignored for regression.</param>
    /// <param name="predictions">The completed members' test predictions, in any order (see <see cref="IFarmStore.GetPredictionsAsync"/>).</param>
    /// <param name="bootstrap">Resamples, seed and confidence of the intervals; null for <see cref="BootstrapOptions.Default"/>.</param>
    /// <param name="sizeCurveIntervals">Also give every point of the size curve its intervals (<see cref="SizePoint.Intervals"/>), on the same resamples.</param>
    /// <exception cref="ArgumentException">No predictions, or predictions that do not fit the test part or the task.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Bootstrap options out of range.</exception>
    public static EnsembleReport Aggregate(
        TaskKind task, int classCount, CampaignTestSet testSet, IReadOnlyList<TrialPredictions> predictions, BootstrapOptions? bootstrap = null,
        bool sizeCurveIntervals = false)
    {
        ArgumentNullException.ThrowIfNull(testSet);
        ArgumentNullException.ThrowIfNull(predictions);
        bootstrap ??= BootstrapOptions.Default;
        bootstrap.Validate();
        if (task == TaskKind.Regression) classCount = 0;
        var members = Stack(task, classCount, testSet, predictions, out var ordered);
        var rules = EnsembleRules.For(task, classCount);
        var scorer = new RuleScorer(task, classCount, testSet.Targets);

        var outputs = rules.Select(rule => rule.Combine(members, members.Count)).ToArray();
        var sizes = SizesFor(members.Count).ToList();
        var sizeOutputs = sizes.Select(size => size == members.Count ? outputs : [.. rules.Select(rule => rule.Combine(members, size))]).ToList();
        var sizeMetrics = sizeOutputs.Select(output => ByRule(rules, (rule, i) => scorer.Score(rule.Info, output[i]))).ToList();
        var memberResults = ordered
            .Select(p => new MemberResult(p.Index, p.TrialId, scorer.ScoreMember(p.TestPredictions)))
            .ToList();
        var rows = RowPredictions(testSet, rules, outputs, SpreadColumns.Of(task, members));
        var ruleInfos = rules.Select(r => r.Info).ToList();
        var ensemble = ByRule(rules, (rule, i) => scorer.Score(rule.Info, outputs[i]));
        var memberSummary = TaskMetrics.Names(task).ToDictionary(name => name, name => Summarise(memberResults.Select(m => m.Metrics[name])));
        var analysis = new UncertaintyAnalysis(task, classCount, testSet.Targets, testSet.TargetWidth);
        var uncertainty = analysis.Analyse(
            ruleInfos, outputs, ensemble, ordered.Select((p, i) => (p.TestPredictions, memberResults[i].Metrics)).ToList(), memberSummary, bootstrap);
        var sizeIntervals = sizeCurveIntervals ? analysis.RuleIntervals(ruleInfos, sizeOutputs, sizeMetrics, bootstrap) : null;
        var curve = sizes.Select((size, p) => new SizePoint(size, sizeMetrics[p], sizeIntervals?[p])).ToList();

        return new EnsembleReport(
            SpecVocabulary.Name(task),
            classCount,
            members.Count,
            testSet.RowIndices.Length,
            TaskMetrics.Names(task),
            ruleInfos,
            EnsembleRules.TieRule(task),
            ensemble,
            bootstrap,
            uncertainty.Intervals,
            memberSummary,
            uncertainty.MemberMeanIntervals,
            uncertainty.Comparisons,
            memberResults,
            curve,
            rows.Where(Disagrees).ToList(),
            rows);
    }

    private static MemberPredictions Stack(
        TaskKind task, int classCount, CampaignTestSet testSet, IReadOnlyList<TrialPredictions> predictions, out List<TrialPredictions> ordered)
    {
        var rows = testSet.RowIndices.Length;
        if (testSet.Targets.Length != rows * testSet.TargetWidth)
            throw new ArgumentException($"The test set has {testSet.Targets.Length} targets for {rows} rows of {testSet.TargetWidth}.", nameof(testSet));
        if (task != TaskKind.Regression && testSet.TargetWidth != 1)
            throw new ArgumentException($"A classification test set has one target per row, not {testSet.TargetWidth}.", nameof(testSet));
        if (task == TaskKind.Binary && classCount != 2 || task == TaskKind.Multiclass && classCount < 2)
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, $"Task {SpecVocabulary.Name(task)} cannot have {classCount} classes.");
        if (predictions.Count == 0)
            throw new ArgumentException("No member has completed yet: there is nothing to aggregate.", nameof(predictions));

        var width = task switch
        {
            TaskKind.Binary => 1,
            TaskKind.Multiclass => classCount,
            _ => testSet.TargetWidth,
        };
        ordered = [.. predictions.OrderBy(p => p.Index)];
        for (var i = 0; i < ordered.Count; i++)
        {
            var member = ordered[i];
            if (i > 0 && ordered[i - 1].Index == member.Index)
                throw new ArgumentException($"Member {member.Index} appears twice (trials {ordered[i - 1].TrialId} and {member.TrialId}).", nameof(predictions));
            if (member.PredictionWidth != width || member.TestPredictions.Length != rows * width)
            {
                throw new ArgumentException(
                    $"Member {member.Index} (trial {member.TrialId}) has {member.TestPredictions.Length} test predictions of width {member.PredictionWidth}; "
                    + $"the {rows} test rows of task {SpecVocabulary.Name(task)} need {rows * width} of width {width}.",
                    nameof(predictions));
            }
        }
        return new MemberPredictions(ordered.Select(p => p.TestPredictions).ToList(), rows, width);
    }

    /// <summary>The curve's sizes that the ensemble reaches, then its full size.</summary>
    private static IEnumerable<int> SizesFor(int members) => CurveSizes.Where(size => size < members).Append(members);

    private static IReadOnlyDictionary<string, T> ByRule<T>(IEnsembleRule[] rules, Func<IEnsembleRule, int, T> value) =>
        rules.Select((rule, i) => (rule.Info.Name, Value: value(rule, i))).ToDictionary(r => r.Name, r => r.Value);

    private static List<RowPrediction> RowPredictions(CampaignTestSet testSet, IEnsembleRule[] rules, RuleOutput[] outputs, SpreadColumns spread)
    {
        var rows = new List<RowPrediction>(testSet.RowIndices.Length);
        for (var i = 0; i < testSet.RowIndices.Length; i++)
        {
            var row = i;
            rows.Add(new RowPrediction(
                testSet.RowIndices[i],
                testSet.Ids?[i],
                testSet.Targets.AsSpan(i * testSet.TargetWidth, testSet.TargetWidth).ToArray(),
                ByRule(rules, (_, r) => outputs[r].Scores.AsSpan(row * outputs[r].Width, outputs[r].Width).ToArray()),
                outputs[0].Decisions is null ? null : ByRule(rules, (_, r) => outputs[r].Decisions![row]),
                spread.Row(row)));
        }
        return rows;
    }

    private static bool Disagrees(RowPrediction row) => row.Decisions is { } decisions && decisions.Values.Distinct().Skip(1).Any();

    private static MetricSummary Summarise(IEnumerable<double?> values)
    {
        var defined = values.OfType<double>().ToList();
        if (defined.Count == 0) return new MetricSummary(0, null, null, null, null);
        var mean = defined.Average();
        var std = defined.Count == 1 ? 0 : Math.Sqrt(defined.Sum(v => (v - mean) * (v - mean)) / (defined.Count - 1));
        return new MetricSummary(defined.Count, mean, std, defined.Min(), defined.Max());
    }
}
