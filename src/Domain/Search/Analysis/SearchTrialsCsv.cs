using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EnsembleFarm.Domain.Aggregation;

namespace EnsembleFarm.Domain.Search;

/// <summary>
/// Writes a search's trials as CSV, one line per trial in trial order, for a spreadsheet or pandas:
/// <c>trial,trial_id,state,&lt;objective&gt;…,epochs,pruned_step,&lt;parameter&gt;…,error</c>. A parameter a trial's
/// configuration left inactive (a conditional one) and an objective of a trial that did not complete are empty cells.
/// </summary>
public static class SearchTrialsCsv
{
    public static void Write(SearchReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        var parameters = report.Trials.SelectMany(t => t.Params.Select(kv => kv.Key)).Distinct().ToList();
        var csv = new CsvRowWriter(writer);
        foreach (var name in (string[])["trial", "trial_id", "state", .. report.Objectives.Select(o => o.Metric), "epochs", "pruned_step", .. parameters, "error"])
            csv.Text(name);
        csv.EndRow();
        foreach (var trial in report.Trials)
        {
            csv.Integer(trial.Number);
            csv.Text(trial.TrialId.ToString(CultureInfo.InvariantCulture));
            csv.Text(trial.State.ToString().ToLowerInvariant());
            for (var i = 0; i < report.Objectives.Count; i++)
                csv.Text(i < trial.Values.Count ? trial.Values[i].ToString("R", CultureInfo.InvariantCulture) : "");
            csv.Integer(trial.Epochs);
            csv.Text(trial.PrunedStep?.ToString(CultureInfo.InvariantCulture) ?? "");
            foreach (var name in parameters) csv.Text(Cell(trial.Params[name]));
            csv.Text(trial.Error ?? "");
            csv.EndRow();
        }
    }

    private static string Cell(JsonNode? value) => value switch
    {
        null => "",
        JsonValue text when text.GetValueKind() == JsonValueKind.String => text.GetValue<string>(),
        _ => value.ToJsonString(),
    };
}
