namespace EnsembleFarm.Domain.Aggregation;

/// <summary>A combination rule and what it means.</summary>
/// <param name="Name">"average", "vote" (classification), "mean", "median" (regression).</param>
/// <param name="Description">The rule as a formula, e.g. "mean(p > 0.5) > 0.5".</param>
/// <param name="ScoreColumn">The CSV column of the rule's row score: "average_p", "vote_fraction", "mean", "median".</param>
/// <param name="UndefinedMetrics">Metrics the rule's scores cannot give meaningfully; they are null in every dictionary of this rule.</param>
public sealed record RuleInfo(string Name, string Description, string ScoreColumn, IReadOnlyList<string> UndefinedMetrics);
