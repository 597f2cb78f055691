using System.Globalization;
using EnsembleFarm.Domain.Search;
using YamlDotNet.RepresentationModel;

namespace EnsembleFarm.Domain.Specs;

/// <summary>
/// The values a searchable spec field takes, with the same ranges and names as the field's own reader, so that a
/// search space, an enqueued configuration or a trial's parameters are held to exactly what the spec allows there.
/// Values are <see cref="ParamValue"/>s: numbers as floats, whole numbers as ints, names as texts, flags as booleans,
/// and a list of layer widths as the text <c>[64, 64]</c> (one categorical choice, since a parameter holds one value).
/// </summary>
internal sealed class FieldDomain
{
    private readonly Func<SpecMapping, YamlNode, string, ParamValue?> _read;
    private readonly Func<ParamValue, bool> _holds;

    private FieldDomain(string description, NumberRange? floats, IntRange? ints,
        Func<SpecMapping, YamlNode, string, ParamValue?> read, Func<ParamValue, bool> holds)
    {
        Description = description;
        FloatRange = floats;
        IntRange = ints;
        _read = read;
        _holds = holds;
    }

    /// <summary>What the field takes, as error messages say it ("a number > 0", "one of: relu, gelu").</summary>
    public string Description { get; }

    /// <summary>The bounds of a <c>float</c> distribution, for fields that take any number; null: no float distribution.</summary>
    public NumberRange? FloatRange { get; }

    /// <summary>The bounds of an <c>int</c> distribution, for fields that take whole numbers; null: no int distribution.</summary>
    public IntRange? IntRange { get; }

    /// <summary>The distribution kinds that fit the field, as a message lists them.</summary>
    public string Distributions => FloatRange is not null ? "float, categorical or fixed"
        : IntRange is not null ? "int, categorical or fixed"
        : "categorical or fixed";

    public static FieldDomain Number(NumberRange range) => new(
        range.Describe("a number"), range, null,
        (at, node, path) => at.ParseNumber(node, path, range) is { } x ? ParamValue.Float(x) : (ParamValue?)null,
        value => value.IsNumber && double.IsFinite(value.AsDouble()) && range.Contains(value.AsDouble()));

    public static FieldDomain Whole(IntRange range) => new(
        range.Describe("a whole number"), null, range,
        (at, node, path) => at.ParseInt(node, path, range) is { } n ? ParamValue.Int(n) : (ParamValue?)null,
        value => value.IsNumber && value.AsDouble() is var x && x == Math.Floor(x) && x >= range.Min && x <= range.Max);

    public static FieldDomain Choice(IReadOnlyList<string> names) => new(
        $"one of: {string.Join(", ", names)}", null, null,
        (at, node, path) => at.ParseChoice(node, path, names) is { } name ? ParamValue.Text(name) : (ParamValue?)null,
        value => value.Kind == ParamKind.Text && names.Contains(value.AsText(), StringComparer.Ordinal));

    public static FieldDomain Flag { get; } = new(
        "true or false", null, null,
        (at, node, path) => at.ParseFlag(node, path) is { } flag ? ParamValue.Bool(flag) : (ParamValue?)null,
        value => value.Kind == ParamKind.Bool);

    /// <summary>Lists of hidden-layer widths, each in <paramref name="width"/>; <c>[]</c> is a linear model.</summary>
    public static FieldDomain Widths(IntRange width) => new(
        $"a list of {width.Describe("widths")}", null, null,
        (at, node, path) => at.ParseIntList(node, path, width) is { } widths ? ParamValue.Text(FormatWidths(widths)) : (ParamValue?)null,
        value => value.Kind == ParamKind.Text && ParseWidths(value.AsText(), width) is not null);

    /// <summary>A value of the field written in the spec at <paramref name="node"/>; null, with an error there, when it is not one.</summary>
    public ParamValue? Read(SpecMapping at, YamlNode node, string path) => _read(at, node, path);

    /// <summary>Why <paramref name="value"/> is not a value of the field ("must be a number > 0, got '0'"); null when it is.</summary>
    public string? Problem(ParamValue value) => _holds(value) ? null : $"must be {Description}, got '{value}'";

    /// <summary>The text that stands for a list of widths: <c>[64, 64]</c>, as the spec writes it.</summary>
    public static string FormatWidths(IReadOnlyList<int> widths) =>
        $"[{string.Join(", ", widths.Select(w => w.ToString(CultureInfo.InvariantCulture)))}]";

    /// <summary>The widths <paramref name="text"/> stands for (see <see cref="FormatWidths"/>), or null when it is not such a list.</summary>
    public static IReadOnlyList<int>? ParseWidths(string text, IntRange width)
    {
        var trimmed = text.Trim();
        if (trimmed.Length < 2 || trimmed[0] != '[' || trimmed[^1] != ']') return null;
        var inner = trimmed[1..^1];
        if (string.IsNullOrWhiteSpace(inner)) return [];
        var widths = new List<int>();
        foreach (var part in inner.Split(','))
        {
            if (!int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var w) || !width.Contains(w)) return null;
            widths.Add(w);
        }
        return widths;
    }
}
