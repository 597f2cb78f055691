using System.Globalization;

namespace EnsembleFarm.Domain.Search;

/// <summary>What kind of value a parameter holds.</summary>
public enum ParamKind { Float, Int, Bool, Text }

/// <summary>
/// One parameter's value: a float, a whole number, a boolean or a text. A value type rather than
/// <c>object</c> so that assignments compare by value (the samplers' duplicate check relies on it) and a
/// whole number stays exact past 2⁵³. Numbers of either kind compare equal when they are the same
/// number (<see cref="SameAs"/>), because a value read back from JSON may come back as the other kind.
/// </summary>
public readonly record struct ParamValue
{
    private readonly double _float;
    private readonly long _int;
    private readonly string? _text;

    private ParamValue(ParamKind kind, double f, long i, string? text)
    {
        Kind = kind;
        _float = f;
        _int = i;
        _text = text;
    }

    public ParamKind Kind { get; }

    public static ParamValue Float(double value) => new(ParamKind.Float, value, 0, null);

    public static ParamValue Int(long value) => new(ParamKind.Int, 0, value, null);

    public static ParamValue Bool(bool value) => new(ParamKind.Bool, 0, value ? 1 : 0, null);

    public static ParamValue Text(string value) => new(ParamKind.Text, 0, 0, value ?? throw new ArgumentNullException(nameof(value)));

    public static implicit operator ParamValue(double value) => Float(value);

    public static implicit operator ParamValue(long value) => Int(value);

    public static implicit operator ParamValue(int value) => Int(value);

    public static implicit operator ParamValue(bool value) => Bool(value);

    public static implicit operator ParamValue(string value) => Text(value);

    /// <summary>A float or a whole number.</summary>
    public bool IsNumber => Kind is ParamKind.Float or ParamKind.Int;

    /// <summary>The number (a whole number converted); throws for a boolean or a text.</summary>
    public double AsDouble() => Kind switch
    {
        ParamKind.Float => _float,
        ParamKind.Int => _int,
        _ => throw new InvalidOperationException($"{this} is a {Kind.ToString().ToLowerInvariant()}, not a number"),
    };

    /// <summary>The whole number; throws for anything else (a float is not rounded silently).</summary>
    public long AsInt() => Kind == ParamKind.Int
        ? _int
        : throw new InvalidOperationException($"{this} is a {Kind.ToString().ToLowerInvariant()}, not a whole number");

    public bool AsBool() => Kind == ParamKind.Bool
        ? _int != 0
        : throw new InvalidOperationException($"{this} is a {Kind.ToString().ToLowerInvariant()}, not a boolean");

    public string AsText() => Kind == ParamKind.Text
        ? _text!
        : throw new InvalidOperationException($"{this} is a {Kind.ToString().ToLowerInvariant()}, not a text");

    /// <summary>Equal as the user means it: numbers by value whatever their kind, texts ordinally, booleans as booleans.</summary>
    public bool SameAs(ParamValue other) =>
        IsNumber && other.IsNumber ? AsDouble().Equals(other.AsDouble()) : Equals(other);

    /// <summary>Invariant text: floats round-trip ("0.001"), booleans "true"/"false", texts as they are.</summary>
    public override string ToString() => Kind switch
    {
        ParamKind.Float => _float.ToString("R", CultureInfo.InvariantCulture),
        ParamKind.Int => _int.ToString(CultureInfo.InvariantCulture),
        ParamKind.Bool => _int != 0 ? "true" : "false",
        _ => _text!,
    };
}
