namespace EnsembleFarm.Domain.Specs;

/// <summary>
/// An ensemble of the best configurations a search found (<c>ensemble.from_search</c>). The spec only names the search;
/// the farm looks its configurations up in the store when the ensemble is submitted and passes them, ranked, to
/// <see cref="Planning.CampaignSubmission.Prepare"/>, so that parsing a spec never needs a store.
/// </summary>
/// <param name="CampaignId">The search campaign (its id as <c>farm list</c> shows it).</param>
/// <param name="Top">How many of its best distinct configurations to train, each with <see cref="EnsembleSpec.Members"/> members.</param>
public sealed record FromSearchSpec(long CampaignId, int Top);
