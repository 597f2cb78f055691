using System.CommandLine;
using System.Data.Common;
using EnsembleFarm.Client.Commands;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Store;
using EnsembleFarm.Models.Data;

namespace EnsembleFarm.Client;

/// <summary>Opens the store named by <c>--store</c> (null: the store's default location), migrated and ready.</summary>
public delegate Task<IFarmStore> StoreOpener(string? location, CancellationToken ct);

/// <summary>
/// The <c>farm</c> command line: parses the arguments, runs one command against the store and returns the
/// process exit code (<see cref="ExitCodes"/>). Errors go to <see cref="CliEnvironment.Error"/> as one line.
/// </summary>
public sealed class FarmCli(CliEnvironment environment, StoreOpener openStore)
{
    internal CliEnvironment Environment { get; } = environment;

    internal Option<string?> StoreOption { get; } = new("--store")
    {
        Description = "The store: a SQLite file path (default: $ENSEMBLEFARM_STORE, else ./.farm/farm.db)",
        Recursive = true,
    };

    public async Task<int> InvokeAsync(IReadOnlyList<string> args, CancellationToken ct = default)
    {
        var parse = CreateRootCommand().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) await Environment.Error.WriteLineAsync($"error: {error.Message}");
            await Environment.Error.WriteLineAsync("Run 'farm --help' for usage.");
            return ExitCodes.BadInput;
        }
        var configuration = new InvocationConfiguration { Output = Environment.Out, Error = Environment.Error };
        return await parse.InvokeAsync(configuration, ct);
    }

    internal RootCommand CreateRootCommand() =>
        new("EnsembleFarm: train model ensembles on a farm of silos and compare average vs vote")
        {
            StoreOption,
            SubmitCommand.Create(this),
            ListCommand.Create(this),
            StatusCommand.Create(this),
            WatchCommand.Create(this),
            ResultsCommand.Create(this),
            CancelCommand.Create(this),
            SilosCommand.Create(this),
            DataCommand.Create(this),
        };

    /// <summary>Runs a command body that needs no store, mapping its failures to exit codes.</summary>
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

    /// <summary>Opens the store named by <c>--store</c>, runs the body with it, and disposes it.</summary>
    internal Task<int> RunWithStoreAsync(ParseResult parse, Func<IFarmStore, CancellationToken, Task<int>> body, CancellationToken ct) =>
        RunAsync(async token =>
        {
            await using var store = await OpenStoreAsync(parse, token);
            return await body(store, token);
        }, ct);

    /// <summary>Opens the store named by <c>--store</c>; any failure to do so is exit code 4.</summary>
    internal async Task<IFarmStore> OpenStoreAsync(ParseResult parse, CancellationToken ct)
    {
        var location = parse.GetValue(StoreOption);
        try
        {
            return await openStore(location, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new FarmCliException(ExitCodes.StoreUnavailable,
                $"error: cannot open the store {location ?? FarmPaths.DefaultStoreLocation}: {ex.Message}", ex);
        }
    }

    private static (int Code, string Message)? ToExitCode(Exception ex, CancellationToken ct) => ex switch
    {
        FarmCliException cli => (cli.ExitCode, cli.Message),
        OperationCanceledException when ct.IsCancellationRequested => (ExitCodes.Interrupted, "interrupted"),
        SpecException spec => (ExitCodes.BadInput, $"error: {spec.Message}"),
        DataFormatException data => (ExitCodes.BadInput, $"error: {data.Message}"),
        FarmStoreException store => (ExitCodes.StoreUnavailable, $"error: {store.Message}"),
        DbException db => (ExitCodes.StoreUnavailable, $"error: the store failed: {db.Message}"),
        _ => null,
    };

    /// <summary>The campaign with that id, or a not-found failure (exit 3).</summary>
    internal static async Task<CampaignRecord> RequireCampaignAsync(IFarmStore store, long campaignId, CancellationToken ct) =>
        await store.GetCampaignAsync(campaignId, ct)
        ?? throw new FarmCliException(ExitCodes.NotFound, $"error: no campaign with id {campaignId}");
}
