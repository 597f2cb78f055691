using System.CommandLine;
using EnsembleFarm.Client.Watching;
using EnsembleFarm.Domain.Planning;

namespace EnsembleFarm.Client.Commands;

/// <summary>
/// <c>farm submit SPEC [--wait]</c>: everything that can be wrong with the spec or its data is found here,
/// before the store is touched; then the campaign and its trials are written in one transaction. The id
/// goes alone on stdout so scripts can capture it; the summary goes to stderr.
/// </summary>
internal static class SubmitCommand
{
    public static Command Create(FarmCli cli)
    {
        var specPath = new Argument<string>("spec") { Description = "The campaign spec (YAML; see docs/spec.md)" };
        var wait = new Option<bool>("--wait") { Description = "Follow the campaign until it ends (exit 0 if it completed, 1 if not)" };
        var interval = WatchCommand.IntervalOption();
        var command = new Command("submit", "Validate a campaign spec and its data, and queue the campaign") { specPath, wait, interval };
        command.SetAction((parse, ct) => cli.RunAsync(async token =>
        {
            var submission = Prepare(parse.GetRequiredValue(specPath));
            await using var store = await cli.OpenStoreAsync(parse, token);
            var id = await submission.SubmitAsync(store, token);
            var campaign = submission.Campaign;
            await cli.Environment.Out.WriteLineAsync(id.ToString());
            await cli.Environment.Error.WriteLineAsync(
                $"submitted campaign {id} '{campaign.Name}': {submission.Trials.Count} trials, {campaign.TestSet.RowIndices.Length} test rows, dataset {campaign.DatasetPath}");
            if (!parse.GetValue(wait)) return ExitCodes.Ok;
            var watcher = new CampaignWatcher(store, cli.Environment, TimeSpan.FromSeconds(parse.GetValue(interval)));
            return await watcher.ReportEndAsync(await watcher.WatchAsync(id, token));
        }, ct));
        return command;
    }

    /// <summary>Reads the spec file and prepares the campaign (spec, data and plan checked).</summary>
    internal static CampaignSubmission Prepare(string specPath)
    {
        string yaml;
        try
        {
            yaml = File.ReadAllText(specPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FarmCliException(ExitCodes.BadInput, $"error: cannot read the spec {specPath}: {e.Message}");
        }
        return CampaignSubmission.Prepare(yaml, Path.GetDirectoryName(Path.GetFullPath(specPath))!);
    }
}
