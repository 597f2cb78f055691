namespace EnsembleFarm.Domain.Search;

/// <summary>What a model-based sampler pretends a pending trial's result is, so that it does not suggest the same region again.</summary>
public enum ConstantLiar
{
    /// <summary>Ignore pending trials in the model (only the duplicate check keeps suggestions apart).</summary>
    None,
    /// <summary>The worst result observed so far: strongly pushes parallel suggestions apart (the default).</summary>
    Worst,
    /// <summary>The mean observed result: milder; parallel suggestions may stay closer to the incumbent.</summary>
    Mean,
}
