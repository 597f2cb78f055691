using System.Text;

namespace EnsembleFarm.Domain.Search;

/// <summary>
/// A search space that cannot be searched. Like a spec error, it lists every problem at once so that the
/// user fixes the space in one pass.
/// </summary>
public sealed class SearchSpaceException : Exception
{
    public SearchSpaceException(IReadOnlyList<SearchSpaceError> errors)
        : base(Describe(errors))
    {
        ArgumentOutOfRangeException.ThrowIfZero(errors.Count);
        Errors = errors;
    }

    public IReadOnlyList<SearchSpaceError> Errors { get; }

    private static string Describe(IReadOnlyList<SearchSpaceError> errors)
    {
        var text = new StringBuilder(errors.Count == 1 ? "The search space has 1 error:" : $"The search space has {errors.Count} errors:");
        foreach (var error in errors) text.Append('\n').Append("  - ").Append(error);
        return text.ToString();
    }
}
