using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using EnsembleFarm.Domain.Statistics;

namespace EnsembleFarm.Domain.Aggregation;

/// <summary>
/// The ensemble's answer on the campaign's test part, each combination rule beside the others.
/// Serialised with <see cref="JsonOptions"/> (snake_case property names; metric and rule names as
/// dictionary keys, verbatim), which is the stable form the CLI prints with <c>--json</c>.
/// A metric that is undefined (ROC AUC with one class in the test part, log loss of a vote, a
/// diverged member) is null.
/// </summary>
/// <param name="Task">"binary", "multiclass" or "regression".</param>
/// <param name="ClassCount">2 for binary, K for multi-class, 0 for regression.</param>
/// <param name="Members">How many members' predictions were combined (fewer than planned while a campaign runs).</param>
/// <param name="TestRows">Rows of the campaign's test part.</param>
/// <param name="MetricNames">The task's metrics, in the order to show them (keys of every metrics dictionary).</param>
/// <param name="Rules">The combination rules, in the order to show them (keys of every rule dictionary).</param>
/// <param name="TieRule">How a classification vote with no single winner is decided; null for regression.</param>
/// <param name="Ensemble">Rule → metric → value, with every member combined.</param>
/// <param name="Bootstrap">How the intervals were computed (percentile bootstrap over test rows).</param>
/// <param name="Intervals">
/// Rule → metric → its confidence interval; an interval is null where the metric is undefined or a resample left it
/// undefined. Null when the bootstrap was skipped (0 resamples).
/// </param>
/// <param name="MemberSummary">Metric → its spread over the members, each scored on its own.</param>
/// <param name="MemberMeanIntervals">Metric → the confidence interval of the members' mean (the summary's mean); null when the bootstrap was skipped.</param>
/// <param name="Comparisons">First rule − second rule, then first rule − mean member (see <see cref="EnsembleComparison"/>).</param>
/// <param name="MemberResults">Each member's own metrics, in member index order.</param>
/// <param name="SizeCurve">The rules' metrics when only the first n members (by index) are combined.</param>
/// <param name="Disagreements">The test rows where the classification rules decide differently (none for regression).</param>
/// <param name="Rows">Every test row's ensemble prediction, in test-part order.</param>
public sealed record EnsembleReport(
    string Task,
    int ClassCount,
    int Members,
    int TestRows,
    IReadOnlyList<string> MetricNames,
    IReadOnlyList<RuleInfo> Rules,
    string? TieRule,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double?>> Ensemble,
    BootstrapOptions? Bootstrap,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, ConfidenceInterval?>>? Intervals,
    IReadOnlyDictionary<string, MetricSummary> MemberSummary,
    IReadOnlyDictionary<string, ConfidenceInterval?>? MemberMeanIntervals,
    IReadOnlyList<EnsembleComparison>? Comparisons,
    IReadOnlyList<MemberResult> MemberResults,
    IReadOnlyList<SizePoint> SizeCurve,
    IReadOnlyList<RowPrediction> Disagreements,
    IReadOnlyList<RowPrediction> Rows)
{
    /// <summary>The serialisation the CLI and its tests use: snake_case names, indented, NaN/∞ written as strings.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // People and scripts read this JSON, never an HTML page: keep "mean(p) > 0.5" readable, not "\u003E".
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static EnsembleReport FromJson(string json) =>
        JsonSerializer.Deserialize<EnsembleReport>(json, JsonOptions) ?? throw new JsonException("The JSON holds no report.");
}
