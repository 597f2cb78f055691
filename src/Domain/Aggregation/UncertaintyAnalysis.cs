using EnsembleFarm.Domain.Statistics;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Metrics;

namespace EnsembleFarm.Domain.Aggregation;

/// <summary>
/// The report's uncertainty: bootstrap intervals of every defined metric of every rule and of the mean member, and the
/// comparisons first rule − second rule and first rule − mean member with their paired intervals and tests. All
/// statistics share one bootstrap, so every difference is paired row by row.
/// </summary>
internal sealed class UncertaintyAnalysis
{
    private readonly TaskKind _task;
    private readonly float[] _targets;
    private readonly int _rows;
    private readonly MetricStatistics _statistics;
    private readonly IReadOnlyList<string> _metricNames;

    public UncertaintyAnalysis(TaskKind task, int classCount, float[] targets, int targetWidth)
    {
        _task = task;
        _targets = targets;
        _rows = targets.Length / targetWidth;
        _statistics = new MetricStatistics(task, classCount, targets, targetWidth);
        _metricNames = TaskMetrics.Names(task);
    }

    /// <summary>What <see cref="Analyse"/> adds to the report.</summary>
    public sealed record Result(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, ConfidenceInterval?>>? Intervals,
        IReadOnlyDictionary<string, ConfidenceInterval?>? MemberMeanIntervals,
        IReadOnlyList<EnsembleComparison> Comparisons);

    /// <param name="ensemble">Rule → metric → value on the whole test part (null: undefined).</param>
    /// <param name="members">The members' predictions with their own metrics, in member order.</param>
    /// <param name="memberSummary">Metric → the members' summary; its mean is the mean member's value.</param>
    public Result Analyse(
        IReadOnlyList<RuleInfo> rules,
        IReadOnlyList<RuleOutput> outputs,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double?>> ensemble,
        IReadOnlyList<(float[] Predictions, IReadOnlyDictionary<string, double?> Metrics)> members,
        IReadOnlyDictionary<string, MetricSummary> memberSummary,
        BootstrapOptions options)
    {
        var ruleStatistics = rules
            .Select((rule, r) => _statistics.ForRule(outputs[r], Defined(ensemble[rule.Name])))
            .ToArray();
        var meanMember = MeanMember(members);

        // Every statistic's value on every resample; null when the bootstrap is skipped.
        Dictionary<IResampledStatistic, double[]>? sampleOf = null;
        if (options.Resamples > 0)
        {
            var all = ruleStatistics.Append(meanMember).SelectMany(s => s.Values).ToList();
            var samples = new RowBootstrap(_rows, options).Run(all);
            sampleOf = all.Select((statistic, i) => (statistic, samples[i])).ToDictionary(p => p.statistic, p => p.Item2);
        }

        ConfidenceInterval? Interval(IResampledStatistic statistic) =>
            sampleOf is null ? null : ConfidenceInterval.Percentile(sampleOf[statistic], options.Confidence);
        ConfidenceInterval? DifferenceInterval(IResampledStatistic first, IResampledStatistic second)
        {
            if (sampleOf is null) return null;
            var (a, b) = (sampleOf[first], sampleOf[second]);
            var differences = new double[a.Length];
            for (var i = 0; i < differences.Length; i++) differences[i] = a[i] - b[i];
            return ConfidenceInterval.Percentile(differences, options.Confidence);
        }
        IReadOnlyDictionary<string, ConfidenceInterval?> Intervals(Dictionary<string, IResampledStatistic> statistics) =>
            _metricNames.ToDictionary(name => name, name => statistics.TryGetValue(name, out var s) ? Interval(s) : null);
        IReadOnlyDictionary<string, MetricDifference?> Differences(
            Dictionary<string, IResampledStatistic> first, Func<string, double?> firstValue,
            Dictionary<string, IResampledStatistic> second, Func<string, double?> secondValue) =>
            _metricNames.ToDictionary(name => name, name =>
                first.TryGetValue(name, out var a) && second.TryGetValue(name, out var b)
                    ? new MetricDifference(firstValue(name)!.Value - secondValue(name)!.Value, DifferenceInterval(a, b))
                    : null);

        double? RuleValue(int r, string metric) => ensemble[rules[r].Name][metric];
        var betweenRules = new EnsembleComparison(rules[0].Name, rules[1].Name,
            Differences(ruleStatistics[0], m => RuleValue(0, m), ruleStatistics[1], m => RuleValue(1, m)),
            RuleTests(ruleStatistics[0], ruleStatistics[1], outputs[0], outputs[1]));
        var againstMembers = new EnsembleComparison(rules[0].Name, EnsembleComparison.MeanMember,
            Differences(ruleStatistics[0], m => RuleValue(0, m), meanMember, m => memberSummary[m].Mean),
            MemberTests(ruleStatistics[0], meanMember, outputs[0], members));

        return new Result(
            sampleOf is null ? null : rules.Select((rule, r) => (rule.Name, Intervals(ruleStatistics[r]))).ToDictionary(p => p.Name, p => p.Item2),
            sampleOf is null ? null : Intervals(meanMember),
            [betweenRules, againstMembers]);
    }

    /// <summary>
    /// The rules' intervals for several combinations of the members at once (the size curve's points), every statistic on
    /// one shared set of resamples; each interval null when the bootstrap is skipped or the metric undefined.
    /// </summary>
    /// <param name="outputs">Per point, each rule's output.</param>
    /// <param name="metrics">Per point, rule → metric → value on the whole test part.</param>
    public IReadOnlyList<IReadOnlyDictionary<string, IReadOnlyDictionary<string, ConfidenceInterval?>>> RuleIntervals(
        IReadOnlyList<RuleInfo> rules,
        IReadOnlyList<RuleOutput[]> outputs,
        IReadOnlyList<IReadOnlyDictionary<string, IReadOnlyDictionary<string, double?>>> metrics,
        BootstrapOptions options)
    {
        var statistics = outputs
            .Select((output, p) => rules.Select((rule, r) => _statistics.ForRule(output[r], Defined(metrics[p][rule.Name]))).ToArray())
            .ToList();
        var all = statistics.SelectMany(point => point.SelectMany(rule => rule.Values)).ToList();
        var samples = options.Resamples > 0 ? new RowBootstrap(_rows, options).Run(all) : null;
        var sampleOf = all.Select((statistic, i) => (statistic, i)).ToDictionary(p => p.statistic, p => p.i);
        return statistics
            .Select(point => (IReadOnlyDictionary<string, IReadOnlyDictionary<string, ConfidenceInterval?>>)rules
                .Select((rule, r) => (rule.Name, Intervals: (IReadOnlyDictionary<string, ConfidenceInterval?>)_metricNames.ToDictionary(name => name,
                    name => samples is not null && point[r].TryGetValue(name, out var statistic)
                        ? ConfidenceInterval.Percentile(samples[sampleOf[statistic]], options.Confidence)
                        : null)))
                .ToDictionary(p => p.Name, p => p.Intervals))
            .ToList();
    }

    private IEnumerable<string> Defined(IReadOnlyDictionary<string, double?> metrics) =>
        _metricNames.Where(name => metrics[name] is not null);

    /// <summary>Each metric averaged over the members for which it is defined on the whole test part (those the member summary counts).</summary>
    private Dictionary<string, IResampledStatistic> MeanMember(IReadOnlyList<(float[] Predictions, IReadOnlyDictionary<string, double?> Metrics)> members)
    {
        var perMember = members.Select(m => _statistics.ForMember(m.Predictions, Defined(m.Metrics))).ToList();
        var mean = new Dictionary<string, IResampledStatistic>();
        foreach (var name in _metricNames)
        {
            var parts = perMember.Where(s => s.ContainsKey(name)).Select(s => s[name]).ToList();
            if (parts.Count > 0) mean[name] = ResampledAverage.Of(parts);
        }
        return mean;
    }

    private List<SignificanceTest> RuleTests(
        Dictionary<string, IResampledStatistic> first, Dictionary<string, IResampledStatistic> second, RuleOutput firstOutput, RuleOutput secondOutput)
    {
        var tests = new List<SignificanceTest>();
        var metric = _statistics.RowMeanMetric;
        if (first.TryGetValue(metric, out var a) && second.TryGetValue(metric, out var b))
        {
            var (x, y) = (MetricStatistics.RowValues(a), MetricStatistics.RowValues(b));
            tests.Add(_task == TaskKind.Regression ? PairedZ.Test(metric, Subtract(x, y)) : McNemarOf(metric, x, y));
        }
        if (_task == TaskKind.Binary
            && first.ContainsKey(TaskMetrics.RocAuc) && second.ContainsKey(TaskMetrics.RocAuc)
            && AucComponents.Of(_statistics.OrderOf(firstOutput.Scores)) is { } firstAuc
            && AucComponents.Of(_statistics.OrderOf(secondOutput.Scores)) is { } secondAuc)
        {
            tests.Add(AucComponents.Compare(TaskMetrics.RocAuc, firstAuc, secondAuc));
        }
        return tests;
    }

    private List<SignificanceTest> MemberTests(
        Dictionary<string, IResampledStatistic> ensemble, Dictionary<string, IResampledStatistic> meanMember, RuleOutput ensembleOutput,
        IReadOnlyList<(float[] Predictions, IReadOnlyDictionary<string, double?> Metrics)> members)
    {
        var tests = new List<SignificanceTest>();
        var metric = _statistics.RowMeanMetric;
        if (ensemble.TryGetValue(metric, out var a) && meanMember.TryGetValue(metric, out var b))
            tests.Add(PairedZ.Test(metric, Subtract(MetricStatistics.RowValues(a), MetricStatistics.RowValues(b))));
        if (_task == TaskKind.Binary && ensemble.ContainsKey(TaskMetrics.RocAuc) && AucComponents.Of(_statistics.OrderOf(ensembleOutput.Scores)) is { } ensembleAuc)
        {
            var memberAucs = members
                .Where(m => m.Metrics[TaskMetrics.RocAuc] is not null)
                .Select(m => AucComponents.Of(_statistics.OrderOf(m.Predictions))!)
                .ToList();
            if (memberAucs.Count > 0) tests.Add(AucComponents.Compare(TaskMetrics.RocAuc, ensembleAuc, AucComponents.Mean(memberAucs)));
        }
        return tests;
    }

    /// <summary>McNemar from per-row correctness (1 right, 0 wrong) of two classifiers.</summary>
    private static SignificanceTest McNemarOf(string metric, double[] first, double[] second)
    {
        int firstOnly = 0, secondOnly = 0;
        for (var i = 0; i < first.Length; i++)
        {
            if (first[i] > second[i]) firstOnly++;
            else if (second[i] > first[i]) secondOnly++;
        }
        return McNemar.Test(metric, firstOnly, secondOnly, first.Length);
    }

    private static double[] Subtract(double[] a, double[] b)
    {
        var differences = new double[a.Length];
        for (var i = 0; i < a.Length; i++) differences[i] = a[i] - b[i];
        return differences;
    }
}
