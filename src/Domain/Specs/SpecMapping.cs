using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EnsembleFarm.Domain.Specs;

/// <summary>
/// Reads the fields of one YAML mapping of a spec, adding an error (with the field's dotted path and
/// line) to a shared list for every value that is missing, mistyped or out of range, and returning
/// null for it so that reading goes on and all errors are found in one pass. Every key a reader asks
/// for becomes a known field; <see cref="RejectUnknownFields"/> then reports the others.
/// A field written with no value (<c>seed:</c>, <c>seed: null</c>) counts as not given.
/// Errors point at the line and column of the value, or of the key when the key is what is wrong.
/// </summary>
internal sealed class SpecMapping
{
    private readonly Dictionary<string, KeyValuePair<YamlNode, YamlNode>> _entries = new(StringComparer.Ordinal);
    private readonly List<string> _known = [];
    private readonly List<SpecError> _errors;
    private readonly string _path;
    private readonly YamlNode? _key;

    /// <param name="key">The key of this block in the block above (null for the root): where a missing field is reported.</param>
    private SpecMapping(YamlMappingNode node, string path, YamlNode? key, List<SpecError> errors)
    {
        _path = path;
        _key = key;
        _errors = errors;
        foreach (var entry in node.Children)
        {
            if (entry.Key is YamlScalarNode { Value: { } name })
                _entries[name] = entry;
            else
                _errors.Add(ErrorAt(path, "field names must be plain text", entry.Key));
        }
    }

    public static SpecMapping Root(YamlMappingNode node, List<SpecError> errors) => new(node, "", null, errors);

    public string PathOf(string key) => _path.Length == 0 ? key : $"{_path}.{key}";

    public bool Has(string key) => Value(key) is not null;

    /// <summary>Records an error about a field that was read, at its key.</summary>
    public void Error(string key, string message) =>
        _errors.Add(ErrorAt(PathOf(key), message, _entries.TryGetValue(key, out var entry) ? entry.Key : null));

    /// <summary>Records an error about this block as a whole, at its key.</summary>
    public void ErrorAtBlock(string message) => _errors.Add(ErrorAt(_path, message, _key));

    /// <summary>Records that a required field is missing, at the block that lacks it (nowhere for the root).</summary>
    public void Missing(string key, string allowed) =>
        _errors.Add(ErrorAt(PathOf(key), $"is required: {allowed}", _key));

    public string? Text(string key)
    {
        var node = Value(key);
        if (node is null) return null;
        if (node is YamlScalarNode { Value: { } text }) return text;
        Error(key, $"must be text, got {Describe(node)}");
        return null;
    }

    public string? RequiredText(string key, string allowed)
    {
        if (!Has(key)) Missing(key, allowed);
        return Text(key);
    }

    public ulong? UInt64(string key)
    {
        var node = Value(key);
        if (node is null) return null;
        if (node is YamlScalarNode { Value: { } text }
            && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            return value;
        Error(key, $"must be a whole number from 0 to {ulong.MaxValue}, got {Describe(node)}");
        return null;
    }

    public int? Int(string key, IntRange range)
    {
        var node = Value(key);
        return node is null ? null : ParseInt(node, PathOf(key), range);
    }

    public double? Number(string key, NumberRange range)
    {
        var node = Value(key);
        return node is null ? null : ParseNumber(node, PathOf(key), range);
    }

    public bool? Flag(string key)
    {
        var node = Value(key);
        if (node is null) return null;
        if (ParseFlag(node) is { } flag) return flag;
        Error(key, $"must be true or false, got {Describe(node)}");
        return null;
    }

    public T? Choice<T>(string key, Vocabulary<T> vocabulary) where T : struct, Enum
    {
        var node = Value(key);
        if (node is null) return null;
        if (node is YamlScalarNode { Value: { } text } && vocabulary.TryLookup(text, out var value)) return value;
        Error(key, NotAChoice(node, vocabulary.Names));
        return null;
    }

    /// <summary>The nested mapping, or null when absent; a field with no value reads as an empty mapping (all defaults).</summary>
    public SpecMapping? Mapping(string key)
    {
        _known.Add(key);
        if (!_entries.TryGetValue(key, out var entry)) return null;
        return entry.Value switch
        {
            YamlMappingNode mapping => new SpecMapping(mapping, PathOf(key), entry.Key, _errors),
            var node when IsNull(node) => new SpecMapping(new YamlMappingNode(), PathOf(key), entry.Key, _errors),
            var node => ErrorAndNull(key, $"must be a mapping of fields, got {Describe(node)}"),
        };
    }

    /// <summary>The items of a list field, each with its path ("model.hidden[2]"), or null when absent.</summary>
    public IReadOnlyList<(YamlNode Node, string Path)>? Items(string key, string itemsDescription)
    {
        var node = Value(key);
        if (node is null) return null;
        if (node is YamlSequenceNode sequence)
            return sequence.Children.Select((item, i) => (item, $"{PathOf(key)}[{i}]")).ToList();
        Error(key, $"must be a list of {itemsDescription}, got {Describe(node)}");
        return null;
    }

    /// <summary>
    /// The items of a list of blocks (<c>conv: [{filters: 16}, ...]</c>), each a mapping to read; an item that is not a
    /// block is an error and null in the list. Null when the field is absent.
    /// </summary>
    public IReadOnlyList<SpecMapping?>? MappingItems(string key, string itemsDescription)
    {
        var items = Items(key, itemsDescription);
        if (items is null) return null;
        var mappings = new List<SpecMapping?>(items.Count);
        foreach (var (node, path) in items)
        {
            if (node is YamlMappingNode mapping)
            {
                mappings.Add(new SpecMapping(mapping, path, node, _errors));
                continue;
            }
            _errors.Add(ErrorAt(path, $"must be a block of fields ({itemsDescription}), got {Describe(node)}", node));
            mappings.Add(null);
        }
        return mappings;
    }

    public IReadOnlyList<int>? IntList(string key, IntRange range)
    {
        var items = Items(key, range.Describe("whole numbers"));
        if (items is null) return null;
        var values = items.Select(item => ParseInt(item.Node, item.Path, range)).ToList();
        return values.All(v => v.HasValue) ? values.Select(v => v!.Value).ToList() : null;
    }

    public IReadOnlyList<double>? NumberList(string key, NumberRange range)
    {
        var items = Items(key, range.Describe("numbers"));
        if (items is null) return null;
        var values = items.Select(item => ParseNumber(item.Node, item.Path, range)).ToList();
        return values.All(v => v.HasValue) ? values.Select(v => v!.Value).ToList() : null;
    }

    public IReadOnlyList<string>? TextList(string key) => Items(key, "names") is { } items ? TextItems(items) : null;

    /// <summary>Texts of list items; null (with errors) when one is not text.</summary>
    public IReadOnlyList<string>? TextItems(IReadOnlyList<(YamlNode Node, string Path)> items)
    {
        var texts = new List<string>(items.Count);
        foreach (var (node, path) in items)
        {
            if (node is YamlScalarNode { Value: { } text } && !string.IsNullOrWhiteSpace(text) && !IsNull(node))
                texts.Add(text);
            else
                _errors.Add(ErrorAt(path, $"must be a name, got {Describe(node)}", node));
        }
        return texts.Count == items.Count ? texts : null;
    }

    /// <summary>The raw node of a field that may take several shapes, or null when absent.</summary>
    public YamlNode? Raw(string key) => Value(key);

    /// <summary>Reports every field of this mapping that no reader asked for, with the nearest known name.</summary>
    public void RejectUnknownFields()
    {
        foreach (var (key, entry) in _entries)
        {
            if (_known.Contains(key)) continue;
            var hint = Suggest(key, _known) is { } near
                ? $"did you mean '{near}'?"
                : $"allowed here: {string.Join(", ", _known)}";
            _errors.Add(ErrorAt(PathOf(key), $"unknown field '{key}'; {hint}", entry.Key));
        }
    }

    private YamlNode? Value(string key)
    {
        if (!_known.Contains(key)) _known.Add(key);
        return _entries.TryGetValue(key, out var entry) && !IsNull(entry.Value) ? entry.Value : null;
    }

    private SpecMapping? ErrorAndNull(string key, string message)
    {
        Error(key, message);
        return null;
    }

    /// <summary>A whole number in <paramref name="range"/> at a node that is not a field of this mapping (a list item, a value of a search space).</summary>
    public int? ParseInt(YamlNode node, string path, IntRange range)
    {
        if (node is YamlScalarNode { Value: { } text }
            && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            && range.Contains(value))
            return value;
        _errors.Add(ErrorAt(path, $"must be {range.Describe("a whole number")}, got {Describe(node)}", node));
        return null;
    }

    /// <summary>A finite number in <paramref name="range"/> at a node that is not a field of this mapping.</summary>
    public double? ParseNumber(YamlNode node, string path, NumberRange range)
    {
        if (node is YamlScalarNode { Value: { } text }
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value)
            && range.Contains(value))
            return value;
        _errors.Add(ErrorAt(path, $"must be {range.Describe("a number")}, got {Describe(node)}", node));
        return null;
    }

    /// <summary>True or false at a node that is not a field of this mapping; an error at the node otherwise.</summary>
    public bool? ParseFlag(YamlNode node, string path)
    {
        if (ParseFlag(node) is { } flag) return flag;
        _errors.Add(ErrorAt(path, $"must be true or false, got {Describe(node)}", node));
        return null;
    }

    /// <summary>One of <paramref name="names"/> at a node that is not a field of this mapping; an error with the nearest name otherwise.</summary>
    public string? ParseChoice(YamlNode node, string path, IEnumerable<string> names)
    {
        if (node is YamlScalarNode { Value: { } text } && !IsNull(node) && names.Contains(text, StringComparer.Ordinal)) return text;
        _errors.Add(ErrorAt(path, NotAChoice(node, names), node));
        return null;
    }

    /// <summary>Whole numbers in <paramref name="range"/> at a list node that is not a field of this mapping.</summary>
    public IReadOnlyList<int>? ParseIntList(YamlNode node, string path, IntRange range)
    {
        if (node is not YamlSequenceNode sequence)
        {
            _errors.Add(ErrorAt(path, $"must be a list of {range.Describe("whole numbers")}, got {Describe(node)}", node));
            return null;
        }
        var values = sequence.Children.Select((item, i) => ParseInt(item, $"{path}[{i}]", range)).ToList();
        return values.All(v => v.HasValue) ? values.Select(v => v!.Value).ToList() : null;
    }

    /// <summary>
    /// A mapping at a node that is not a field of this mapping (an item of a list of mappings); null, with an error that
    /// says what was expected, when the node is something else.
    /// </summary>
    public SpecMapping? ParseMapping(YamlNode node, string path, string expected)
    {
        if (node is YamlMappingNode mapping) return new SpecMapping(mapping, path, node, _errors);
        _errors.Add(ErrorAt(path, $"must be {expected}, got {Describe(node)}", node));
        return null;
    }

    /// <summary>An empty block in place of a field given as a single value (<c>sampler: tpe</c> for <c>sampler: {name: tpe}</c>): all its defaults.</summary>
    public SpecMapping EmptyBlock(string key) =>
        new(new YamlMappingNode(), PathOf(key), _entries.TryGetValue(key, out var entry) ? entry.Key : _key, _errors);

    /// <summary>
    /// The fields of a mapping whose keys are data rather than a fixed vocabulary (the parameters of a search space), in
    /// the order of the file; they all count as known.
    /// </summary>
    public IReadOnlyList<(string Key, YamlNode Value)> Fields()
    {
        var fields = new List<(string, YamlNode)>();
        foreach (var (key, entry) in _entries)
        {
            if (!_known.Contains(key)) _known.Add(key);
            fields.Add((key, entry.Value));
        }
        return fields.OrderBy(f => _entries[f.Item1].Key.Start.Index).ToList();
    }

    /// <summary>Records an error at a node of this mapping's text that is not one of its fields (a list item, a value inside a value).</summary>
    public void ErrorAtNode(string path, string message, YamlNode node) => _errors.Add(ErrorAt(path, message, node));

    private static bool? ParseFlag(YamlNode node) => node switch
    {
        // YAML 1.2 core schema spellings only: yes/no/on/off are YAML 1.1 and read as text elsewhere.
        YamlScalarNode { Value: "true" or "True" or "TRUE" } => true,
        YamlScalarNode { Value: "false" or "False" or "FALSE" } => false,
        _ => null,
    };

    private static string NotAChoice(YamlNode node, IEnumerable<string> names)
    {
        var hint = node is YamlScalarNode { Value: { } given } && Suggest(given, names) is { } near ? $"; did you mean '{near}'?" : "";
        return $"must be one of: {string.Join(", ", names)}; got {Describe(node)}{hint}";
    }

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    /// <summary>How a wrong value is quoted back to the user.</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode scalar when IsNull(scalar) => "nothing",
        YamlScalarNode { Value: var text } => $"'{text}'",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "an alias",
    };

    /// <summary>An error at the place where <paramref name="node"/> starts; at no place when the node was not read from the text.</summary>
    public static SpecError ErrorAt(string path, string message, YamlNode? node) =>
        node is { Start.Line: > 0 } ? new SpecError(path, message, (int)node.Start.Line, (int)node.Start.Column) : new SpecError(path, message);

    /// <summary>
    /// The candidate nearest to a misspelling (at most 2 edits, or 1 for short names; swapping two
    /// neighbouring letters counts as one edit), if any.
    /// </summary>
    public static string? Suggest(string given, IEnumerable<string> candidates)
    {
        var budget = given.Length <= 4 ? 1 : 2;
        return candidates
            .Select(candidate => (candidate, distance: EditDistance(given, candidate)))
            .Where(c => c.distance <= budget)
            .OrderBy(c => c.distance)
            .Select(c => c.candidate)
            .FirstOrDefault();
    }

    /// <summary>Optimal string alignment distance, case-insensitive.</summary>
    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = Same(a[i - 1], b[j - 1]) ? 0 : 1;
                d[i, j] = Math.Min(d[i - 1, j - 1] + cost, Math.Min(d[i - 1, j], d[i, j - 1]) + 1);
                if (i > 1 && j > 1 && Same(a[i - 1], b[j - 2]) && Same(a[i - 2], b[j - 1]))
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }

    private static bool Same(char x, char y) => char.ToLowerInvariant(x) == char.ToLowerInvariant(y);
}

/// <summary>Allowed whole numbers, inclusive at both ends.</summary>
internal readonly record struct IntRange(int Min, int Max)
{
    public bool Contains(int value) => value >= Min && value <= Max;

    public string Describe(string what) => $"{what} from {Min} to {Max}";
}

/// <summary>Allowed finite numbers: a lower and an optional upper bound, each open or closed.</summary>
internal readonly record struct NumberRange(double Min, bool MinInclusive, double Max = double.PositiveInfinity, bool MaxInclusive = false)
{
    public static readonly NumberRange Positive = new(0, false);
    public static readonly NumberRange NonNegative = new(0, true);
    public static readonly NumberRange OpenUnit = new(0, false, 1, false);
    public static readonly NumberRange HalfOpenUnit = new(0, true, 1, false);

    public bool Contains(double value) =>
        (MinInclusive ? value >= Min : value > Min) && (double.IsPositiveInfinity(Max) || (MaxInclusive ? value <= Max : value < Max));

    public string Describe(string what) => double.IsPositiveInfinity(Max)
        ? $"{what} {(MinInclusive ? ">=" : ">")} {Format(Min)}"
        : $"{what} in {(MinInclusive ? "[" : "(")}{Format(Min)}, {Format(Max)}{(MaxInclusive ? "]" : ")")}";

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
