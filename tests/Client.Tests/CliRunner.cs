using EnsembleFarm.Client;
using EnsembleFarm.Store;

namespace EnsembleFarm.Client.Tests;

/// <summary>Runs the CLI in process with captured output, as a script would see it (not a terminal).</summary>
internal sealed class CliRunner(StoreOpener openStore)
{
    public static CliRunner WithoutStore() =>
        new((_, _) => throw new InvalidOperationException("this command should not have opened the store"));

    public static CliRunner WithStore(IFarmStore store) => new((_, _) => Task.FromResult(store));

    public async Task<CliRun> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var cli = new FarmCli(new CliEnvironment(output, error, Interactive: false), openStore);
        var exitCode = await cli.InvokeAsync(args, TestContext.Current.CancellationToken);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }
}

internal sealed record CliRun(int ExitCode, string Output, string Error);
