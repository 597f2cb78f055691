namespace EnsembleFarm.Domain.Specs;

/// <summary>One thing wrong with a campaign spec.</summary>
/// <param name="Path">The field, dotted from the root ("training.optimizer.learning_rate", "model.hidden[1]"); empty for the document itself.</param>
/// <param name="Message">What is wrong and what is allowed ("must be a number > 0, got '-1'").</param>
/// <param name="Line">1-based line in the YAML text, when the error is at a place in it.</param>
/// <param name="Column">1-based column (in characters) on that line, when the error is at a place in it.</param>
public sealed record SpecError(string Path, string Message, int? Line = null, int? Column = null)
{
    /// <summary>
    /// The error as a compiler writes one, <c>examples/x.yaml:12:5: model.hidden: ...</c>, so that editors and
    /// terminals can jump to the place; without a file name, <c>line 12, column 5: model.hidden: ...</c>.
    /// </summary>
    /// <param name="source">The spec file as the user named it; null when the spec did not come from a file.</param>
    public string Format(string? source)
    {
        var what = Path.Length == 0 ? Message : $"{Path}: {Message}";
        return (source, Line, Column) switch
        {
            (null, null, _) => what,
            (null, { } line, null) => $"line {line}: {what}",
            (null, { } line, { } column) => $"line {line}, column {column}: {what}",
            (_, null, _) => $"{source}: {what}",
            (_, { } line, null) => $"{source}:{line}: {what}",
            (_, { } line, { } column) => $"{source}:{line}:{column}: {what}",
        };
    }

    public override string ToString() => Format(null);
}
