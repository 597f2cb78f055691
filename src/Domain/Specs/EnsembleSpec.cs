namespace EnsembleFarm.Domain.Specs;

/// <param name="Members">How many models the ensemble trains (per configuration, with <paramref name="FromSearch"/>).</param>
/// <param name="ValidationFraction">Share of each member's non-test rows it validates on (early stopping, epoch metrics).</param>
/// <param name="Stratified">Keep each class's share in each member's validation part (classification only).</param>
/// <param name="FromSearch">
/// The search whose best configurations the members train; null: every member trains the spec's own settings.
/// </param>
public sealed record EnsembleSpec(int Members, double ValidationFraction, bool Stratified, FromSearchSpec? FromSearch = null);
