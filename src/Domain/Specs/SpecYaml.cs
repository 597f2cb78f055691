using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace EnsembleFarm.Domain.Specs;

/// <summary>
/// Loads a spec's YAML text, turning a syntax error into a <see cref="SpecError"/> at the line and column to fix,
/// in plain words: users write specs by hand, and "While parsing a flow sequence, did not find expected ',' or
/// ']'" (or a crash, for some unclosed lists) tells them less than "the list that starts with '[' here is not closed".
/// </summary>
internal static class SpecYaml
{
    /// <summary>The documents of the text, or null (with one error added) when it is not valid YAML.</summary>
    public static YamlStream? Load(string yaml, List<SpecError> errors)
    {
        var parser = new Parser(new StringReader(yaml));
        var stream = new YamlStream();
        try
        {
            stream.Load(parser);
            return stream;
        }
        // YamlDotNet reports most syntax errors with a YamlException, but an unclosed '[' followed by more lines with an
        // InvalidOperationException, an alias right after a '}' with an ArgumentException. It only reads text here,
        // so whatever it throws means the text is not valid YAML: an error to explain to the user, never a crash.
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            errors.Add(Explain(e, yaml, parser.Current));
            return null;
        }
    }

    /// <summary>
    /// The error in plain words at the place to fix. YamlDotNet says what it expected in parser terms ("While parsing
    /// a block mapping, did not find expected key"), so its common messages are recognised and said as what to do;
    /// a rare one passes through, still at its place.
    /// </summary>
    /// <param name="last">The last event the parser read, the place of an error that YamlDotNet reports without one.</param>
    private static SpecError Explain(Exception e, string yaml, ParsingEvent? last)
    {
        if (e is AnchorNotFoundException && TokenTrail.Scan(yaml, until: null).UndefinedAlias is { } alias)
        {
            return At(alias.Start, $"'*{alias.Value}' refers to an anchor that is not defined above it; "
                + $"mark the value it stands for with '&{alias.Value}' first");
        }
        if (e is not YamlException { Start: var start, End: var end })
        {
            return TokenTrail.Scan(yaml, until: null).OpenFlow is { } unclosed
                ? Unclosed(unclosed)
                : At(last?.Start ?? Mark.Empty, "not valid YAML here or just before");
        }
        var message = e.Message;
        if (message.Contains("tab", StringComparison.Ordinal) && IndentingTab(yaml, start.Line, int.MaxValue) is { } tab)
            return Tab(tab);
        if (message.StartsWith("Duplicate key ", StringComparison.Ordinal))
            return At(start, $"'{Text(yaml, start, end)}' is given twice in the same block; keep one");
        if (message.StartsWith("While scanning a quoted scalar", StringComparison.Ordinal)
            || message.StartsWith("While scanning a multi-line double-quoted scalar", StringComparison.Ordinal))
        {
            return message.Contains("escape", StringComparison.Ordinal)
                ? At(start, "the text in double quotes that starts here has an unknown escape (a '\\' and a letter YAML does not know); "
                    + "write '\\\\' for a backslash, or use single quotes")
                : At(start, $"the quoted text that starts here is not closed: the closing {CharAt(yaml, start)} is missing");
        }
        if (message.Contains("invalid comment", StringComparison.Ordinal))
            return At(start, "a '#' starts a comment only after a space; add one before it, or put the text in quotes");
        if (message.Contains("cannot start any token", StringComparison.Ordinal))
            return At(start, $"'{CharAt(yaml, start)}' cannot start a value; put the value in quotes");
        if (TokenTrail.Scan(yaml, start).OpenFlow is { } open
            && (message.Contains("flow", StringComparison.Ordinal) || open.Start.Line < start.Line))
            return Unclosed(open);
        if (message.Contains("found invalid mapping", StringComparison.Ordinal))
        {
            return At(start, "a 'field: value' cannot start here: indent this line like the fields of its block, "
                + "and put a value that contains ': ' in quotes");
        }
        if (message.StartsWith("Mapping values are not allowed", StringComparison.Ordinal))
            return At(start, "a ': ' cannot follow here: put a value that contains ': ' in quotes");
        if (message.StartsWith("Block sequence entries are not allowed", StringComparison.Ordinal))
            return At(start, "a list item ('- ') cannot start here: write the list on the lines below its field, indented, or as [a, b]");
        if (message.Contains("block mapping, did not find expected key", StringComparison.Ordinal))
        {
            return At(start, "a field is expected here: check this line's indentation (the fields of one block start in the same column) "
                + "and that nothing is left over before it");
        }
        if (message.Contains("block collection, did not find expected '-'", StringComparison.Ordinal))
            return At(start, "a list item ('- ...') is expected here: check this line's indentation");
        if (message.Contains("simple key, could not find expected ':'", StringComparison.Ordinal))
            return At(start, "a ':' is missing after the field name here (write 'field: value')");
        if (message.Contains("did not find expected node content", StringComparison.Ordinal))
            return At(start, CharAt(yaml, start).Trim() is { Length: > 0 } found ? $"a value is expected here, not '{found}'" : "a value is expected here");
        // YamlDotNet reports a misplaced tab in many guises; a tab in the indentation is wrong whatever else is.
        if (IndentingTab(yaml, 1, start.Line) is { } earlierTab) return Tab(earlierTab);
        if (message.StartsWith("Did not find expected <document end>", StringComparison.Ordinal))
            return At(start, "this line does not line up with the fields above it: the top-level fields of a spec all start in the same column");
        return At(start, $"not valid YAML: {message}");
    }

    private static SpecError Unclosed((Mark Start, bool IsList) open) => open.IsList
        ? At(open.Start, "the list that starts with '[' here is not closed: a ']' is missing")
        : At(open.Start, "the block that starts with '{' here is not closed: a '}' is missing");

    private static SpecError Tab((int Line, int Column) tab) =>
        new("", "a tab indents this line; YAML indents with spaces only", tab.Line, tab.Column);

    private static SpecError At(Mark mark, string message) =>
        mark.Line > 0 ? new SpecError("", message, (int)mark.Line, (int)mark.Column) : new SpecError("", message);

    /// <summary>
    /// The first tab in the indentation of a line from <paramref name="fromLine"/> to <paramref name="toLine"/>:
    /// YamlDotNet reports such a tab at the start of the block or of the value before it, not where it is.
    /// </summary>
    private static (int Line, int Column)? IndentingTab(string yaml, long fromLine, long toLine)
    {
        var lines = yaml.Split('\n');
        for (var i = (int)Math.Max(fromLine - 1, 0); i < Math.Min(lines.Length, toLine); i++)
        {
            var line = lines[i].TrimEnd('\r');
            var indent = line.Length - line.TrimStart(' ', '\t').Length;
            var tab = line.AsSpan(0, indent).IndexOf('\t');
            // A line of blanks only indents nothing.
            if (tab >= 0 && indent < line.Length) return (i + 1, tab + 1);
        }
        return null;
    }

    private static string CharAt(string yaml, Mark mark) => mark.Index < yaml.Length ? yaml[(int)mark.Index].ToString() : "";

    private static string Text(string yaml, Mark start, Mark end) =>
        end.Index <= yaml.Length && end.Index > start.Index ? yaml[(int)start.Index..(int)end.Index] : "";
}
