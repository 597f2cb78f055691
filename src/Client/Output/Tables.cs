using Spectre.Console;
using Spectre.Console.Rendering;

namespace EnsembleFarm.Client.Output;

/// <summary>
/// Tables whose cells are plain text (never parsed as Spectre markup: names and errors may hold '[').
/// On a terminal they have rounded borders; in plain output they are borderless, whitespace-aligned
/// columns under a header line, which scripts split like the output of <c>ps</c>.
/// </summary>
internal static class Tables
{
    public static Table Create(IAnsiConsole console, params string[] headers)
    {
        var table = new Table().Border(console.Profile.Capabilities.Ansi ? TableBorder.Rounded : TableBorder.None);
        foreach (var header in headers) table.AddColumn(new TableColumn(new Text(header)));
        return table;
    }

    public static Table Row(this Table table, params string[] cells)
    {
        table.AddRow(cells.Select(c => (IRenderable)new Text(c)).ToArray());
        return table;
    }
}
