using System.CommandLine;
using Spectre.Console;
using EnsembleFarm.Client.Output;
using EnsembleFarm.Client.Watching;

namespace EnsembleFarm.Client.Commands;

/// <summary><c>farm silos</c>: the worker processes the store knows, with their slots and last heartbeat.</summary>
internal static class SilosCommand
{
    public static Command Create(FarmCli cli)
    {
        var command = new Command("silos", "List the silos (worker processes) and their heartbeats");
        command.SetAction((parse, ct) => cli.RunWithStoreAsync(parse, async (store, token) =>
        {
            var silos = await store.ListSilosAsync(token);
            var console = cli.Environment.CreateConsole();
            if (silos.Count == 0)
            {
                console.WriteLine("no silos");
                return ExitCodes.Ok;
            }
            var now = DateTimeOffset.UtcNow;
            var table = Tables.Create("id", "host", "pid", "slots", "state", "started", "last heartbeat");
            foreach (var silo in silos)
            {
                var silent = now - silo.LastHeartbeat;
                var heartbeat = $"{Formats.Duration(silent)} ago" + (silo.State == Grains.Store.SiloState.Active && silent > RemainingTime.SiloSilenceLimit ? " (silent: presumed gone)" : "");
                table.Row(silo.Id, silo.Host, silo.ProcessId.ToString(), $"{silo.Slots.Count} ({string.Join(",", silo.Slots)})",
                    Formats.State(silo.State), Formats.Time(silo.StartedAt), heartbeat);
            }
            console.Write(table);
            console.WriteLine($"live slots: {RemainingTime.LiveSlots(silos, now)}");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
