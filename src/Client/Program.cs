using EnsembleFarm.Client;
using EnsembleFarm.Client.Connection;

using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupted.Cancel();
};
return await new FarmCli(CliEnvironment.FromConsole(), FarmConnector.ConnectAsync).InvokeAsync(args, interrupted.Token);
