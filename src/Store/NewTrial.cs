namespace EnsembleFarm.Store;

/// <param name="Index">Member index in an ensemble, trial number in a search (0-based).</param>
/// <param name="ParamsJson">The trial's parameters as a JSON object ("{}" for a plain ensemble member).</param>
/// <param name="Slots">How many CPU slots of a silo the trial occupies.</param>
/// <param name="Gpus">How many GPUs of that silo it occupies as well.</param>
/// <param name="AttributesJson">
/// What the search's sampler noted with its suggestion (a JSON object of strings: a CMA-ES generation, a Sobol index), so
/// that a sampler rebuilt from the store after a restart goes on exactly as before; null for none.
/// </param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record NewTrial(int Index, string ParamsJson, ulong SplitSeed, ulong InitSeed, int Slots = 1, string? AttributesJson = null, int Gpus = 0);
