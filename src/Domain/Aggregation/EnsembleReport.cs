using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

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
/// <param name="MemberSummary">Metric → its spread over the members, each scored on its own.</param>
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
    IReadOnlyDictionary<string, MetricSummary> MemberSummary,
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

/// <summary>A combination rule and what it means.</summary>
/// <param name="Name">"average", "vote" (classification), "mean", "median" (regression).</param>
/// <param name="Description">The rule as a formula, e.g. "mean(p > 0.5) > 0.5".</param>
/// <param name="ScoreColumn">The CSV column of the rule's row score: "average_p", "vote_fraction", "mean", "median".</param>
/// <param name="UndefinedMetrics">Metrics the rule's scores cannot give meaningfully; they are null in every dictionary of this rule.</param>
public sealed record RuleInfo(string Name, string Description, string ScoreColumn, IReadOnlyList<string> UndefinedMetrics);

/// <summary>One metric over the members, each scored on its own.</summary>
/// <param name="Count">Members whose metric is defined; the statistics are over these.</param>
/// <param name="Std">Sample standard deviation (n − 1); 0 for a single member.</param>
public sealed record MetricSummary(int Count, double? Mean, double? Std, double? Min, double? Max);

public sealed record MemberResult(int Index, long TrialId, IReadOnlyDictionary<string, double?> Metrics);

/// <summary>The rules' metrics with the first <paramref name="Size"/> members combined.</summary>
/// <param name="Metrics">Rule → metric → value.</param>
public sealed record SizePoint(int Size, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double?>> Metrics);

/// <summary>The ensemble's prediction for one test row.</summary>
/// <param name="Row">The row's index in the dataset.</param>
/// <param name="Id">The row's id, when the dataset has an id column.</param>
/// <param name="Target">The true value: the class for classification, every target for regression.</param>
/// <param name="Scores">
/// Rule → what it gives for the row: "average", P(y = 1) (binary) or each class's mean probability;
/// "vote", the fraction of members voting 1 (binary) or each class's share of the votes; "mean" and
/// "median", one value per regression target.
/// </param>
/// <param name="Decisions">Rule → the class it decides (classification); null for regression.</param>
public sealed record RowPrediction(
    int Row,
    string? Id,
    float[] Target,
    IReadOnlyDictionary<string, float[]> Scores,
    IReadOnlyDictionary<string, int>? Decisions);
