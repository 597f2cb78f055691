namespace EnsembleFarm.Domain.Search;

/// <summary>One thing wrong with a search space.</summary>
/// <param name="Parameter">The parameter concerned; empty for the space as a whole.</param>
public sealed record SearchSpaceError(string Parameter, string Message)
{
    public override string ToString() => Parameter.Length == 0 ? Message : $"{Parameter}: {Message}";
}
