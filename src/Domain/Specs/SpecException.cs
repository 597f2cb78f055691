using System.Text;

namespace EnsembleFarm.Domain.Specs;

/// <summary>
/// A campaign spec that cannot run. It carries every error found, not just the first, so a user fixes
/// the spec in one pass; the message lists them one per line in the order of the file (by line, then
/// column; errors that are at no place in it, such as a missing field, last).
/// </summary>
public sealed class SpecException : Exception
{
    /// <param name="source">The spec file as the user named it, when the spec came from one: every error line starts with it.</param>
    /// <param name="innerException">What the message puts in plain words (a file that could not be read), kept for logs.</param>
    public SpecException(IReadOnlyList<SpecError> errors, string? source = null, Exception? innerException = null)
        : base(Describe(InFileOrder(errors), source), innerException)
    {
        Errors = InFileOrder(errors);
        SpecFile = source;
    }

    /// <summary>The errors in the order of the file, as the message lists them.</summary>
    public IReadOnlyList<SpecError> Errors { get; }

    /// <summary>The spec file, when the spec was read from one.</summary>
    public string? SpecFile { get; }

    private static List<SpecError> InFileOrder(IReadOnlyList<SpecError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentOutOfRangeException.ThrowIfZero(errors.Count);
        // A stable sort: errors at the same place keep the order in which they were found.
        return errors.OrderBy(e => e.Line is null).ThenBy(e => e.Line).ThenBy(e => e.Column).ToList();
    }

    private static string Describe(List<SpecError> errors, string? source)
    {
        var text = new StringBuilder();
        text.Append(source is null ? "The campaign spec" : $"The campaign spec {source}")
            .Append(errors.Count == 1 ? " has 1 error:" : $" has {errors.Count} errors:");
        foreach (var error in errors) text.Append("\n  ").Append(error.Format(source));
        return text.ToString();
    }
}
