namespace EnsembleFarm.GrainInterfaces;

/// <param name="SpecYaml">The spec as the user wrote it; the store keeps this text.</param>
/// <param name="SpecDirectory">The folder a relative <c>dataset.path</c> is resolved against (the spec file's folder).</param>
/// <param name="SpecName">How messages name the spec (its path as the user gave it).</param>
/// <param name="Resume">Carry on with an unfinished campaign of the same spec on the same data instead of creating another.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record SubmitRequest(string SpecYaml, string SpecDirectory, string SpecName, bool Resume);
