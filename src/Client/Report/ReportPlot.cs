using System.Text.Json.Nodes;

namespace EnsembleFarm.Client.Report;

/// <summary>
/// One interactive plot of an HTML report, as plotly.js draws it: its traces and layout, computed here, so that the
/// page only lays plots out (see report.html).
/// </summary>
/// <param name="Id">The plot's element id: unique in the page, stable (tests find plots by it).</param>
/// <param name="Caption">What the plot shows and how to read it, under the plot.</param>
/// <param name="Traces">plotly.js traces (https://plotly.com/javascript/reference/).</param>
/// <param name="Layout">plotly.js layout, merged over the page's defaults.</param>
internal sealed record ReportPlot(string Id, string Title, string Caption, JsonArray Traces, JsonObject Layout);
