using System.Buffers;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EnsembleFarm.Domain.Search;

/// <summary>
/// A trial's parameters as the store keeps them (a trial's <c>ParamsJson</c>): one JSON object, keys in ordinal order,
/// so the same parameters always give the same text. Every <see cref="ParamValue"/> comes back as the kind it was:
/// a float is always written with a decimal point or an exponent (<c>1.0</c>, <c>1E-05</c>) and a whole number never
/// is (<c>128</c>), booleans are JSON booleans and texts JSON strings. Floats are written in their shortest round-trip
/// form, so they come back bit for bit.
/// </summary>
public static class SearchParameters
{
    /// <summary>The text of no parameters: an ensemble member that trains the spec's own settings.</summary>
    public const string None = "{}";

    private static readonly IReadOnlyDictionary<string, ParamValue> Empty =
        new ReadOnlyDictionary<string, ParamValue>(new Dictionary<string, ParamValue>(StringComparer.Ordinal));

    /// <exception cref="ArgumentException">A float is not finite (JSON has no NaN or infinity; no search space holds one).</exception>
    public static string ToJson(IReadOnlyDictionary<string, ParamValue> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                json.WritePropertyName(name);
                switch (value.Kind)
                {
                    case ParamKind.Float:
                        json.WriteRawValue(FloatText(name, value.AsDouble()));
                        break;
                    case ParamKind.Int:
                        json.WriteNumberValue(value.AsInt());
                        break;
                    case ParamKind.Bool:
                        json.WriteBooleanValue(value.AsBool());
                        break;
                    default:
                        json.WriteStringValue(value.AsText());
                        break;
                }
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The parameters <paramref name="json"/> holds; <c>{}</c> gives none.</summary>
    /// <exception cref="FormatException">The text is not a JSON object of numbers, booleans and texts (it was not written by <see cref="ToJson"/>).</exception>
    public static IReadOnlyDictionary<string, ParamValue> FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"trial parameters must be a JSON object, got '{json}': {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new FormatException($"trial parameters must be a JSON object, got '{json}'");
            var parameters = new Dictionary<string, ParamValue>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!parameters.TryAdd(property.Name, ValueOf(property)))
                    throw new FormatException($"trial parameter '{property.Name}' is given twice in '{json}'");
            }
            return parameters.Count == 0 ? Empty : new ReadOnlyDictionary<string, ParamValue>(parameters);
        }
    }

    private static ParamValue ValueOf(JsonProperty property)
    {
        var element = property.Value;
        switch (element.ValueKind)
        {
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.String:
                return element.GetString()!;
            case JsonValueKind.Number when element.GetRawText().AsSpan().IndexOfAny(".eE") >= 0:
                return element.GetDouble();
            case JsonValueKind.Number when element.TryGetInt64(out var whole):
                return whole;
            default:
                throw new FormatException($"trial parameter '{property.Name}' must be a number, a boolean or a text, got {element.GetRawText()}");
        }
    }

    /// <summary>The shortest text that reads back as the same double and never as a whole number ("1.0", "-0.0", "1E-05").</summary>
    private static string FloatText(string name, double value)
    {
        if (!double.IsFinite(value))
            throw new ArgumentException($"trial parameter '{name}' is {value.ToString(CultureInfo.InvariantCulture)}; JSON holds finite numbers only");
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.AsSpan().IndexOfAny(".E") >= 0 ? text : text + ".0";
    }
}
