using System.CommandLine;
using EnsembleFarm.Client.Commands;
using EnsembleFarm.Client.Connection;
using EnsembleFarm.Client.Output;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Store;

namespace EnsembleFarm.Client;

/// <summary>
/// The <c>farm</c> command line: parses the arguments, runs one command against the farm (or its store) and returns
/// the process exit code (<see cref="FarmExitCodes"/>). Errors go to <see cref="CliEnvironment.Error"/> as one line.
/// </summary>
public sealed class FarmCli(CliEnvironment environment, ConnectFarm connect)
{
    internal CliEnvironment Environment { get; } = environment;

    private Option<string?> GatewayOption { get; } = new("--gateway")
    {
        Description = $"A silo's gateway, host:port (default: ${ConnectionOptions.GatewayVariable}, else 127.0.0.1:{FarmDefaults.GatewayPort})",
        Recursive = true,
    };

    private Option<string?> ClusterOption { get; } = new("--cluster")
    {
        Description = $"The cluster's PostgreSQL connection string or URL, to find its gateways (default: ${ConnectionOptions.ClusterVariable})",
        Recursive = true,
    };

    private Option<string?> ClusterIdOption { get; } = new("--cluster-id")
    {
        Description = $"The cluster's name (default: ${ConnectionOptions.ClusterIdVariable}, else {FarmDefaults.ClusterId})",
        Recursive = true,
    };

    private Option<string?> StoreOption { get; } = new("--store")
    {
        Description = $"Read this store directly instead of asking a farm (reads only; default when no farm answers: ${FarmPaths.StoreVariable}, else ./.farm/farm.db)",
        Recursive = true,
    };

    public async Task<int> InvokeAsync(IReadOnlyList<string> args, CancellationToken ct = default)
    {
        var parse = CreateRootCommand().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) await Environment.Error.WriteLineAsync($"error: {error.Message}");
            await Environment.Error.WriteLineAsync("Run 'farm --help' for usage.");
            return FarmExitCodes.BadInput;
        }
        var configuration = new InvocationConfiguration { Output = Environment.Out, Error = Environment.Error };
        return await parse.InvokeAsync(configuration, ct);
    }

    internal RootCommand CreateRootCommand() =>
        new("EnsembleFarm: train model ensembles on a farm of silos and compare average vs vote")
        {
            GatewayOption,
            ClusterOption,
            ClusterIdOption,
            StoreOption,
            SubmitCommand.Create(this),
            RunCommand.Create(this),
            ListCommand.Create(this),
            StatusCommand.Create(this),
            WatchCommand.Create(this),
            ResultsCommand.Create(this),
            CompareCommand.Create(this),
            CurvesCommand.Create(this),
            ReportCommand.Create(this),
            ExportCommand.Create(this),
            PredictCommand.Create(this),
            CancelCommand.Create(this),
            DeleteCommand.Create(this),
            SilosCommand.Create(this),
            DataCommand.Create(this),
        };

    /// <summary>Runs a command body that needs no farm, mapping its failures to exit codes.</summary>
    internal async Task<int> RunAsync(Func<CancellationToken, Task<int>> body, CancellationToken ct)
    {
        try
        {
            return await body(ct);
        }
        catch (Exception ex) when (ToExitCode(ex, ct) is { } failure)
        {
            await Environment.Error.WriteLineAsync(failure.Message);
            return failure.Code;
        }
    }

    /// <summary>Connects to the farm (or, for reads, its store when no farm answers), runs the body and disconnects.</summary>
    internal Task<int> RunWithFarmAsync(ParseResult parse, FarmNeed need, Func<IFarmConnection, CancellationToken, Task<int>> body, CancellationToken ct) =>
        RunAsync(async token =>
        {
            var options = new ConnectionOptions(parse.GetValue(GatewayOption), parse.GetValue(ClusterOption), parse.GetValue(StoreOption),
                parse.GetValue(ClusterIdOption));
            await using var farm = await connect(options, need, token);
            if (farm is StoreConnection offline && options.Store is null && need != FarmNeed.Farm)
                await Environment.Error.WriteLineAsync($"note: no farm answers; {(need == FarmNeed.ReadsOnly ? "reading" : "changing")} {offline.Description} directly");
            return await body(farm, token);
        }, ct);

    private static (int Code, string Message)? ToExitCode(Exception ex, CancellationToken ct) => ex switch
    {
        FarmCliException cli => (cli.ExitCode, cli.Message),
        OperationCanceledException when ct.IsCancellationRequested => (FarmExitCodes.Interrupted, "interrupted"),
        SpecException spec => (FarmExitCodes.BadInput, $"error: {spec.Message}"),
        DataFormatException data => (FarmExitCodes.BadInput, $"error: {data.Message}"),
        FarmStoreException store => (FarmExitCodes.StoreUnusable, $"error: {store.Message}"),
        _ => null,
    };

    internal static FarmCliException NotFound(long campaignId) => new(FarmExitCodes.NotFound, $"error: no campaign with id {campaignId}");

    /// <summary>
    /// A search or nas campaign asked for what only an ensemble has: its trials differ in configuration, so combining
    /// them all is not an ensemble anyone chose.
    /// </summary>
    internal static void RefuseSearch(CampaignRecord campaign, string what)
    {
        if (!StoredSpec.IsSearch(campaign)) return;
        throw new FarmCliException(FarmExitCodes.BadInput,
            $"error: campaign {campaign.Id} '{campaign.Name}' is a {campaign.Kind} campaign, not an ensemble: {what} needs an ensemble. " +
            $"`farm results {campaign.Id}` shows its best trials; train an ensemble of them with ensemble.from_search: {{campaign: {campaign.Id}, top: K}}");
    }

    /// <summary>A campaign none of whose members completed: there is nothing to show, export or predict with.</summary>
    internal static FarmCliException NoCompletedMember(CampaignRecord campaign, string what) =>
        new(FarmExitCodes.CampaignNotCompleted, $"campaign {campaign.Id} ({Formats.State(campaign.State)}) has no completed member yet: {what}");
}
