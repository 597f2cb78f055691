using YamlDotNet.Core;
using YamlDotNet.Core.Tokens;

namespace EnsembleFarm.Domain.Specs;

/// <summary>
/// What YAML's tokens show up to a syntax error, for saying where the error is when YamlDotNet does not: an unclosed
/// <c>[</c> followed by more lines fails with no position at all, and an alias to an undefined anchor is reported at
/// line 1, column 1.
/// </summary>
internal sealed class TokenTrail
{
    private TokenTrail((Mark Start, bool IsList)? openFlow, AnchorAlias? undefinedAlias, Mark end)
    {
        OpenFlow = openFlow;
        UndefinedAlias = undefinedAlias;
        End = end;
    }

    /// <summary>The innermost <c>[</c> (a list) or <c>{</c> not closed by its own bracket before the error.</summary>
    public (Mark Start, bool IsList)? OpenFlow { get; }

    /// <summary>The first alias (<c>*name</c>) with no anchor (<c>&amp;name</c>) of that name before it.</summary>
    public AnchorAlias? UndefinedAlias { get; }

    /// <summary>Where the last token read ends.</summary>
    public Mark End { get; }

    /// <summary>Scans the text up to <paramref name="until"/> (to the end, or to where scanning fails, when null).</summary>
    public static TokenTrail Scan(string yaml, Mark? until)
    {
        var open = new Stack<Token>();
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        AnchorAlias? undefinedAlias = null;
        var end = Mark.Empty;
        var scanner = new Scanner(new StringReader(yaml));
        try
        {
            while (scanner.MoveNext() && scanner.Current is { } token && (until is null || token.Start.Index < until.Value.Index))
            {
                end = token.End;
                switch (token)
                {
                    case FlowSequenceStart or FlowMappingStart:
                        open.Push(token);
                        break;
                    case FlowSequenceEnd or FlowMappingEnd when open.TryPeek(out var top) && !Closes(token, top):
                        // "[1, 2}": the '[' is what is left open, whatever follows.
                        return new TokenTrail(Opened(top), undefinedAlias, end);
                    case FlowSequenceEnd or FlowMappingEnd:
                        open.TryPop(out _);
                        break;
                    case Anchor anchor:
                        anchors.Add(anchor.Value.Value);
                        break;
                    case AnchorAlias alias when !anchors.Contains(alias.Value.Value):
                        undefinedAlias ??= alias;
                        break;
                }
            }
        }
        // The scanner fails where the text stops being YAML (with whatever exception, as the loader does). A '[' that may
        // start a key is held back until the scanner has read past it, so when it fails inside such a list, the '[' is
        // the next thing after the last token.
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (BracketAfter(yaml, end) is { } pending) return new TokenTrail(pending, undefinedAlias, end);
        }
        return new TokenTrail(open.TryPeek(out var innermost) ? Opened(innermost) : null, undefinedAlias, end);
    }

    private static (Mark, bool) Opened(Token start) => (start.Start, start is FlowSequenceStart);

    private static bool Closes(Token end, Token start) =>
        (end, start) is (FlowSequenceEnd, FlowSequenceStart) or (FlowMappingEnd, FlowMappingStart);

    private static (Mark Start, bool IsList)? BracketAfter(string yaml, Mark mark)
    {
        var (index, line, column) = ((int)mark.Index, mark.Line, mark.Column);
        for (; index < yaml.Length && char.IsWhiteSpace(yaml[index]); index++)
        {
            if (yaml[index] == '\n') (line, column) = (line + 1, 1);
            else column++;
        }
        return index < yaml.Length && yaml[index] is '[' or '{' ? (new Mark(index, line, column), yaml[index] == '[') : null;
    }
}
