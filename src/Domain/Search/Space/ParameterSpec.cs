namespace EnsembleFarm.Domain.Search;

/// <summary>One parameter of a search space.</summary>
/// <param name="Name">Unique in its space; the key of the parameter in every trial's parameters.</param>
/// <param name="ActiveWhen">
/// Conditions that must all hold for the parameter to exist in a trial (empty: always). A trial's
/// parameters hold a conditional parameter exactly when it is active, never otherwise.
/// </param>
public sealed record ParameterSpec(string Name, Distribution Distribution, IReadOnlyList<Condition>? ActiveWhen = null)
{
    public IReadOnlyList<Condition> Conditions => ActiveWhen ?? [];

    public bool IsConditional => Conditions.Count > 0;

    public override string ToString() =>
        Conditions.Count == 0 ? $"{Name}: {Distribution}" : $"{Name}: {Distribution} when {string.Join(" and ", Conditions)}";
}
