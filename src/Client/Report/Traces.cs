using System.Text.Json.Nodes;

namespace EnsembleFarm.Client.Report;

/// <summary>The few kinds of plotly.js trace the report draws, so that the plots read as what they show.</summary>
internal static class Traces
{
    public static JsonObject Line(string name, IEnumerable<double> x, IEnumerable<double> y, string? dash = null, double width = 2,
        string? group = null, bool legend = true, string? colour = null) => new()
    {
        ["type"] = "scatter",
        ["mode"] = "lines",
        ["name"] = name,
        ["x"] = Numbers(x),
        ["y"] = Numbers(y),
        ["line"] = new JsonObject { ["width"] = width, ["dash"] = dash ?? "solid", ["color"] = colour },
        ["legendgroup"] = group,
        ["showlegend"] = legend,
    };

    public static JsonObject Markers(string name, JsonArray x, IEnumerable<double> y, JsonObject? marker = null) => new()
    {
        ["type"] = "scatter",
        ["mode"] = "markers",
        ["name"] = name,
        ["x"] = x,
        ["y"] = Numbers(y),
        ["marker"] = marker ?? new JsonObject { ["size"] = 9 },
    };

    /// <summary>A filled band between two curves over the same x: one closed polygon (x forth, then back).</summary>
    public static JsonObject Band(string name, IReadOnlyList<double> x, IReadOnlyList<double> lower, IReadOnlyList<double> upper, string group,
        string colour) => new()
    {
        ["type"] = "scatter",
        ["mode"] = "lines",
        ["name"] = name,
        ["x"] = Numbers(x.Concat(x.Reverse())),
        ["y"] = Numbers(upper.Concat(lower.Reverse())),
        ["fill"] = "toself",
        ["fillcolor"] = colour,
        ["opacity"] = 0.2,
        ["line"] = new JsonObject { ["width"] = 0 },
        ["legendgroup"] = group,
        ["hoverinfo"] = "skip",
    };

    /// <summary>Six decimals are more than a plot can show, and keep the page small; an undefined value is a gap (null).</summary>
    public static JsonArray Numbers(IEnumerable<double> values) =>
        new([.. values.Select(v => double.IsFinite(v) ? JsonValue.Create(Math.Round(v, 6)) : null)]);

    public static JsonArray Texts(IEnumerable<string> values) => new([.. values.Select(v => JsonValue.Create(v))]);

    public static JsonObject Axis(string title, double[]? range = null) => new()
    {
        ["title"] = new JsonObject { ["text"] = title },
        ["range"] = range is null ? null : Numbers(range),
    };
}
