using System.Text;

namespace EnsembleFarm.Domain.Specs;

/// <summary>One thing wrong with a campaign spec.</summary>
/// <param name="Path">The field, dotted from the root ("training.optimizer.learning_rate", "model.hidden[1]"); empty for the document itself.</param>
/// <param name="Message">What is wrong and what is allowed ("must be a number > 0, got '-1'").</param>
/// <param name="Line">1-based line in the YAML text, when the field is there.</param>
public sealed record SpecError(string Path, string Message, int? Line = null)
{
    public override string ToString()
    {
        var where = Line is { } line ? $" (line {line})" : "";
        return Path.Length == 0 ? $"{Message}{where}" : $"{Path}: {Message}{where}";
    }
}

/// <summary>
/// A campaign spec that cannot run. It carries every error found, not just the first, so a user fixes
/// the spec in one pass; the message lists them one per line.
/// </summary>
public sealed class SpecException : Exception
{
    public SpecException(IReadOnlyList<SpecError> errors, string? source = null)
        : base(Describe(errors, source))
    {
        ArgumentOutOfRangeException.ThrowIfZero(errors.Count);
        Errors = errors;
        SpecFile = source;
    }

    public IReadOnlyList<SpecError> Errors { get; }

    /// <summary>The spec file, when the spec was read from one.</summary>
    public string? SpecFile { get; }

    private static string Describe(IReadOnlyList<SpecError> errors, string? source)
    {
        var text = new StringBuilder();
        text.Append(source is null ? "The campaign spec" : $"The campaign spec {source}")
            .Append(errors.Count == 1 ? " has 1 error:" : $" has {errors.Count} errors:");
        foreach (var error in errors) text.Append('\n').Append("  - ").Append(error);
        return text.ToString();
    }
}
