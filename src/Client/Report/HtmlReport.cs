using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using EnsembleFarm.Client.Output;
using EnsembleFarm.Domain.Aggregation;

namespace EnsembleFarm.Client.Report;

/// <summary>
/// A self-contained HTML report: one file that opens offline, with plotly.js (vendored under src/Client/Report, see
/// scripts/fetch-plotly.sh) and the report's plots as JSON inlined, and a header rendered here (campaign, data set,
/// the rules' metrics with intervals). The page itself (report.html) only lays the plots out.
/// </summary>
internal static class HtmlReport
{
    public const string PlotlyVersion = "4.1.2";

    /// <summary>Escapes &lt;, &gt; and &amp; too, so that no string in the data can close the script element it sits in.</summary>
    private static readonly JsonSerializerOptions ScriptSafe = new() { Encoder = JavaScriptEncoder.Default };

    public static void Write(TextWriter writer, string title, string header, IReadOnlyList<ReportSection> sections)
    {
        var data = new JsonObject
        {
            ["sections"] = new JsonArray([.. sections.Select(section => new JsonObject
            {
                ["title"] = section.Title,
                ["plots"] = new JsonArray([.. section.Plots.Select(plot => new JsonObject
                {
                    ["id"] = plot.Id,
                    ["title"] = plot.Title,
                    ["caption"] = plot.Caption,
                    ["traces"] = plot.Traces.DeepClone(),
                    ["layout"] = plot.Layout.DeepClone(),
                })]),
            })]),
        };
        Prune(data);
        var page = new StringBuilder(Resource("report.html"))
            .Replace("{{TITLE}}", WebUtility.HtmlEncode(title))
            .Replace("{{HEADER}}", header)
            .Replace("{{PLOTLY_VERSION}}", PlotlyVersion)
            .Replace("{{DATA}}", data.ToJsonString(ScriptSafe))
            // Last: the library is large and holds no placeholder; "</script" inside it would end its element early.
            .Replace("{{PLOTLY}}", Resource("plotly.min.js").Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase));
        writer.Write(page);
    }

    /// <summary>The page's header for an ensemble: what campaign this is, and its rules' metrics with their intervals.</summary>
    public static string Header(string title, IEnumerable<string> facts, EnsembleReport report) =>
        Header(title, facts, ["metric", .. report.Rules.Select(r => r.Name), "mean member"],
            report.MetricNames.Select(metric => (IReadOnlyList<string>)
            [
                metric,
                .. report.Rules.Select(rule => Formats.WithInterval(report.Ensemble[rule.Name][metric], report.Intervals?[rule.Name][metric])),
                Formats.WithInterval(report.MemberSummary[metric].Mean, report.MemberMeanIntervals?[metric]),
            ]));

    /// <summary>The page's header: a title, a line per fact, and a table (every cell text, escaped here).</summary>
    public static string Header(string title, IEnumerable<string> facts, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var html = new StringBuilder($"<h1>{WebUtility.HtmlEncode(title)}</h1>\n");
        foreach (var fact in facts) html.Append($"<p class=\"meta\">{WebUtility.HtmlEncode(fact)}</p>\n");
        html.Append("<table><tr>");
        foreach (var header in headers) html.Append($"<th>{WebUtility.HtmlEncode(header)}</th>");
        html.Append("</tr>\n");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var cell in row) html.Append($"<td>{WebUtility.HtmlEncode(cell)}</td>");
            html.Append("</tr>\n");
        }
        return html.Append("</table>\n").ToString();
    }

    /// <summary>Drops null properties: plotly.js reads an absent attribute as its default, but not every null.</summary>
    private static void Prune(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Where(p => p.Value is null).Select(p => p.Key).ToList()) obj.Remove(key);
                foreach (var (_, value) in obj) Prune(value);
                break;
            case JsonArray array:
                foreach (var item in array) Prune(item);
                break;
        }
    }

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"EnsembleFarm.Client.Report.{name}")
            ?? throw new InvalidOperationException($"the report resource {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
