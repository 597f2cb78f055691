using EnsembleFarm.Client.Connection;
using EnsembleFarm.Store;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Client.Tests;

/// <summary>Runs the CLI in process with captured output, as a script would see it (not a terminal), against a farm the test chose.</summary>
internal sealed class Cli(ConnectFarm connect, string? terminalInput = null)
{
    /// <summary>The CLI talking to an in-process cluster through its Orleans client, as it talks to a real one.</summary>
    public static Cli To(InProcessFarm farm) =>
        new((_, _, _) => Task.FromResult<IFarmConnection>(new ClusterConnection(farm.Cluster.Client, "the test farm")));

    /// <summary>The CLI reading a store with no farm running.</summary>
    public static Cli Offline(string storePath) =>
        new(async (_, _, ct) => new StoreConnection(await FarmStoreFactory.OpenAsync(storePath, ct: ct), "no farm answers at the test gateway"));

    /// <summary>A CLI whose command must not reach any farm (argument errors, data generation).</summary>
    public static Cli Unconnected() => new((_, _, _) => throw new InvalidOperationException("this command should not have connected"));

    /// <summary>The same CLI with a person at a terminal who types <paramref name="input"/> when asked.</summary>
    public Cli Answering(string input) => new(connect, input);

    public async Task<CliRun> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var environment = new CliEnvironment(output, error, Interactive: false, terminalInput is null ? null : new StringReader(terminalInput), CanAsk: terminalInput is not null);
        var cli = new FarmCli(environment, connect);
        var exitCode = await cli.InvokeAsync(args, TestContext.Current.CancellationToken);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }
}

internal sealed record CliRun(int ExitCode, string Output, string Error);
