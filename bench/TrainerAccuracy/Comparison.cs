using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Metrics;
using EnsembleFarm.Store;

namespace EnsembleFarm.TrainerAccuracy;

/// <summary>
/// Compares two trainers' members on the same test part: per metric the members' means with their standard errors and
/// a paired test over members (the same split and seed on both sides), then the ensembles of the average rule (the
/// farm's <see cref="EnsembleAggregator"/>) with standard errors from a paired bootstrap over members and test rows.
/// </summary>
internal static class Comparison
{
    private const int BootstrapResamples = 1000;
    private const ulong BootstrapSeed = 20261210;
    private static readonly string[] Metrics = [TaskMetrics.RocAuc, TaskMetrics.Accuracy, TaskMetrics.LogLoss];

    /// <summary>
    /// Reports an export whose sides have both trained: the Markdown report to <paramref name="output"/>, the per-member
    /// numbers to comparison.json in the folder.
    /// </summary>
    public static void ReportExport(string folder, TextWriter output)
    {
        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "plan.json")));
        var members = plan.RootElement.GetProperty("members").GetArrayLength();
        var testRows = MemoryMarshal.Cast<byte, int>(File.ReadAllBytes(Path.Combine(folder, "rows", "test.i32"))).ToArray();
        var targets = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(folder, "targets.f32"))).ToArray();
        var testSet = new CampaignTestSet(testRows, Array.ConvertAll(testRows, row => targets[row]), TargetWidth: 1, Ids: null);
        Report(plan.RootElement.GetProperty("title").GetString()!, testSet,
            SideResult.Load(Path.Combine(folder, BuiltInSide.Folder), members), SideResult.Load(Path.Combine(folder, PyTorchSide.Folder), members),
            output, Path.Combine(folder, "comparison.json"));
    }

    private static void Report(string title, CampaignTestSet testSet, SideResult ours, SideResult theirs, TextWriter output, string jsonPath)
    {
        var reports = new[] { Aggregate(testSet, ours), Aggregate(testSet, theirs) };
        var perMember = Metrics.ToDictionary(m => m, m => reports.Select(r => r.MemberResults.Select(x => x.Metrics[m] ?? double.NaN).ToArray()).ToArray());
        var n = ours.Predictions.Length;
        var invariant = CultureInfo.InvariantCulture;

        output.WriteLine($"### {title}");
        output.WriteLine();
        output.WriteLine($"{n} members on both sides, {testSet.RowIndices.Length} test rows. Epochs run (mean, min–max): {ours.Name} {Epochs(ours)}, " +
                         $"{theirs.Name} {Epochs(theirs)}. Wall time: {ours.Name} {ours.WallSeconds:0.0} s ({ours.MemberSeconds.Average():0.00} s a member), " +
                         $"{theirs.Name} {theirs.WallSeconds:0.0} s ({theirs.MemberSeconds.Average():0.00} s a member).");
        output.WriteLine();
        output.WriteLine($"| members, test | {ours.Name} mean ± SE | {theirs.Name} mean ± SE | difference ± SE (paired) | paired t p | Wilcoxon p |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var metric in Metrics)
        {
            var (a, b) = (perMember[metric][0], perMember[metric][1]);
            var differences = a.Zip(b, (x, y) => x - y).ToArray();
            var (_, tP) = Statistics.PairedT(a, b);
            var (_, wP) = Statistics.WilcoxonSignedRank(a, b);
            output.WriteLine($"| {metric} | {Number(Statistics.Mean(a))} ± {Number(Statistics.StandardError(a))} | " +
                $"{Number(Statistics.Mean(b))} ± {Number(Statistics.StandardError(b))} | {Signed(Statistics.Mean(differences))} ± " +
                $"{Number(Statistics.StandardError(differences))} | {Number(tP, 3)} | {Number(wP, 3)} |");
        }
        output.WriteLine();

        var bootstrap = Bootstrap(testSet.Targets, ours.Predictions, theirs.Predictions);
        output.WriteLine($"| ensemble, average rule | {ours.Name} ± SE | {theirs.Name} ± SE | difference ± SE (paired bootstrap) |");
        output.WriteLine("|---|---:|---:|---:|");
        foreach (var metric in Metrics)
        {
            var values = reports.Select(r => r.Ensemble["average"][metric] ?? double.NaN).ToArray();
            var (seA, seB, seDifference) = bootstrap[metric];
            output.WriteLine($"| {metric} | {Number(values[0])} ± {Number(seA)} | {Number(values[1])} ± {Number(seB)} | " +
                $"{Signed(values[0] - values[1])} ± {Number(seDifference)} |");
        }
        output.WriteLine();
        var vote = reports[0].Ensemble["vote"];
        output.WriteLine(string.Create(invariant, $"{ours.Name} through the farm's aggregation: average accuracy {reports[0].Ensemble["average"][TaskMetrics.Accuracy]:0.000}, " +
            $"ROC AUC {reports[0].Ensemble["average"][TaskMetrics.RocAuc]:0.000}; vote accuracy {vote[TaskMetrics.Accuracy]:0.000}, ROC AUC {vote[TaskMetrics.RocAuc]:0.000}; " +
            $"the rules disagree on {reports[0].Disagreements.Count} of {testSet.RowIndices.Length} test rows."));
        output.WriteLine();

        var dump = new
        {
            Title = title,
            Sides = new[] { ours.Name, theirs.Name },
            Members = Metrics.ToDictionary(m => m, m => perMember[m]),
            Epochs = new[] { ours.Epochs, theirs.Epochs },
            Seconds = new[] { ours.MemberSeconds, theirs.MemberSeconds },
            Ensemble = reports.Select(r => r.Ensemble).ToArray(),
        };
        File.WriteAllText(jsonPath, JsonSerializer.Serialize(dump, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
    }

    private static string Number(double value, int decimals = 5) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    /// <summary>A difference with its sign always shown (a typographic minus), even when it rounds to zero.</summary>
    private static string Signed(double value) => (value < 0 ? "−" : "+") + Number(Math.Abs(value));

    private static EnsembleReport Aggregate(CampaignTestSet testSet, SideResult side) =>
        EnsembleAggregator.Aggregate(TaskKind.Binary, 2, testSet,
            [.. side.Predictions.Select((p, i) => new TrialPredictions(i, i, p, PredictionWidth: 1))]);

    private static string Epochs(SideResult side) =>
        string.Create(CultureInfo.InvariantCulture, $"{side.Epochs.Average():0.0} ({side.Epochs.Min()}–{side.Epochs.Max()})");

    /// <summary>
    /// Standard errors of both ensembles' metrics and of their difference, from resampling both what an ensemble depends
    /// on: its members (training randomness: which splits and seeds it drew) and the test rows (which rows it is scored
    /// on). Each resample draws members and rows with replacement and applies the same draw to both sides, so the
    /// difference's spread is the paired one.
    /// </summary>
    private static Dictionary<string, (double A, double B, double Difference)> Bootstrap(float[] labels, float[][] a, float[][] b)
    {
        var rng = new Rng(BootstrapSeed);
        var (members, n) = (a.Length, labels.Length);
        var samples = Metrics.ToDictionary(m => m, _ => (A: new List<double>(), B: new List<double>(), D: new List<double>()));
        var (rows, multiplicity) = (new int[n], new int[members]);
        var (sampleLabels, sampleA, sampleB) = (new float[n], new float[n], new float[n]);
        for (var resample = 0; resample < BootstrapResamples; resample++)
        {
            Array.Clear(multiplicity);
            for (var k = 0; k < members; k++) multiplicity[rng.NextInt(members)]++;
            for (var i = 0; i < n; i++) rows[i] = rng.NextInt(n);
            Average(a, multiplicity, rows, sampleA);
            Average(b, multiplicity, rows, sampleB);
            for (var i = 0; i < n; i++) sampleLabels[i] = labels[rows[i]];
            foreach (var metric in Metrics)
            {
                var (x, y) = (Score(metric, sampleA, sampleLabels), Score(metric, sampleB, sampleLabels));
                samples[metric].A.Add(x);
                samples[metric].B.Add(y);
                samples[metric].D.Add(x - y);
            }
        }
        return samples.ToDictionary(s => s.Key, s =>
            (Statistics.StandardDeviation(s.Value.A), Statistics.StandardDeviation(s.Value.B), Statistics.StandardDeviation(s.Value.D)));
    }

    /// <summary>The average rule on a resample: each drawn member counted as often as it was drawn, on the drawn rows.</summary>
    private static void Average(float[][] predictions, int[] multiplicity, int[] rows, float[] averages)
    {
        var sums = new double[rows.Length];
        for (var m = 0; m < predictions.Length; m++)
        {
            if (multiplicity[m] == 0) continue;
            var (member, weight) = (predictions[m], multiplicity[m]);
            for (var i = 0; i < rows.Length; i++) sums[i] += weight * (double)member[rows[i]];
        }
        for (var i = 0; i < rows.Length; i++) averages[i] = (float)(sums[i] / predictions.Length);
    }

    private static double Score(string metric, float[] probabilities, float[] labels) => metric switch
    {
        TaskMetrics.RocAuc => BinaryMetrics.RocAuc(probabilities, labels),
        TaskMetrics.Accuracy => BinaryMetrics.Accuracy(probabilities, labels),
        _ => BinaryMetrics.LogLoss(probabilities, labels),
    };
}
