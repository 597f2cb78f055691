using System.CommandLine;
using EnsembleFarm.Client.Connection;
using EnsembleFarm.Client.Watching;
using EnsembleFarm.GrainInterfaces;

namespace EnsembleFarm.Client.Commands;

/// <summary>
/// <c>farm submit SPEC [--wait] [--resume]</c>: the farm checks the spec and its data set (every problem, each naming
/// the file, line and field), plans the campaign and starts it. The id goes alone on stdout so scripts can capture it
/// (<c>id=$(farm submit spec.yaml --wait)</c>); the summary, warnings and progress go to stderr.
/// </summary>
internal static class SubmitCommand
{
    public static Command Create(FarmCli cli)
    {
        var specPath = SpecArgument();
        var wait = new Option<bool>("--wait") { Description = "Follow the campaign until it ends (exit 0 if it completed, 1 if not); progress on stderr" };
        var resume = ResumeOption();
        var command = new Command("submit", "Check a campaign spec and its data, and start the campaign") { specPath, wait, resume };
        command.SetAction((parse, ct) => cli.RunWithFarmAsync(parse, FarmNeed.Farm, async (farm, token) =>
        {
            var accepted = await SubmitAsync(cli, farm, parse.GetRequiredValue(specPath), parse.GetValue(resume), token);
            await cli.Environment.Out.WriteLineAsync(accepted.Campaign!.Id.ToString());
            if (!parse.GetValue(wait)) return FarmExitCodes.Ok;
            var watcher = new CampaignWatcher(cli.Environment, cli.Environment.Error);
            return await watcher.ReportEndAsync(await watcher.WatchAsync(farm, accepted.Campaign.Id, token));
        }, ct));
        return command;
    }

    public static Argument<string> SpecArgument() => new("spec") { Description = "The campaign spec (YAML; see docs/spec.md)" };

    public static Option<bool> ResumeOption() => new("--resume")
    {
        Description = "If an unfinished campaign of this same spec on the same data exists (an interrupted run), carry on with it instead of starting another",
    };

    /// <summary>Sends the spec to the farm; returns the accepted submission, or fails with every problem (exit 2).</summary>
    public static async Task<SubmitResult> SubmitAsync(FarmCli cli, IFarmConnection farm, string specPath, bool resume, CancellationToken ct)
    {
        var request = new SubmitRequest(ReadSpec(specPath), Path.GetDirectoryName(Path.GetFullPath(specPath))!, specPath, resume);
        var result = await farm.SubmitAsync(request, ct);
        var error = cli.Environment.Error;
        if (result.Outcome is SubmitOutcome.Refused or SubmitOutcome.CannotRun)
        {
            foreach (var problem in result.Problems) await error.WriteLineAsync($"error: {problem}");
            throw new FarmCliException(FarmExitCodes.BadInput, $"error: campaign not submitted ({result.Problems.Count} problem(s) above)");
        }
        var campaign = result.Campaign!;
        await error.WriteLineAsync(result.Outcome == SubmitOutcome.Resumed
            ? $"resumed campaign {campaign.Id} '{campaign.Name}': the unfinished campaign of this spec and data carries on ({result.Trials} trials)"
            : $"submitted campaign {campaign.Id} '{campaign.Name}': {result.Trials} trials, {result.TestRows} test rows, dataset {campaign.DatasetPath}");
        foreach (var warning in result.Warnings) await error.WriteLineAsync($"warning: {warning}");
        return result;
    }

    private static string ReadSpec(string specPath)
    {
        if (Directory.Exists(specPath)) throw new FarmCliException(FarmExitCodes.BadInput, $"error: {specPath} is a folder, not a spec file");
        try
        {
            return File.ReadAllText(specPath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FarmCliException(FarmExitCodes.BadInput, $"error: no spec file {specPath}");
        }
        catch (UnauthorizedAccessException)
        {
            throw new FarmCliException(FarmExitCodes.BadInput, $"error: cannot read the spec {specPath}: permission denied");
        }
        catch (IOException e)
        {
            throw new FarmCliException(FarmExitCodes.BadInput, $"error: cannot read the spec {specPath}: {e.Message}");
        }
    }
}
