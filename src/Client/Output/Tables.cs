using Spectre.Console;
using Spectre.Console.Rendering;

namespace EnsembleFarm.Client.Output;

/// <summary>Tables whose cells are plain text (never parsed as Spectre markup: names and errors may hold '[').</summary>
internal static class Tables
{
    public static Table Create(params string[] headers)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var header in headers) table.AddColumn(new TableColumn(new Text(header)));
        return table;
    }

    public static Table Row(this Table table, params string[] cells)
    {
        table.AddRow(cells.Select(c => (IRenderable)new Text(c)).ToArray());
        return table;
    }
}
