using System.CommandLine;
using EnsembleFarm.Client.Output;
using EnsembleFarm.Client.Watching;
using EnsembleFarm.Store;
using Spectre.Console;

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
            var table = Tables.Create(console, "id", "host", "pid", "slots", "slot_ids", "state", "started", "since_heartbeat");
            foreach (var silo in silos)
            {
                var silent = now - silo.LastHeartbeat;
                // an active silo that stopped heartbeating was most likely killed: its trials will be requeued
                var state = silo.State == SiloState.Active && silent > RemainingTime.SiloSilenceLimit ? "silent" : Formats.State(silo.State);
                table.Row(silo.Id, silo.Host, silo.ProcessId.ToString(), silo.Slots.Count.ToString(), string.Join(",", silo.Slots),
                    state, Formats.Time(silo.StartedAt), Formats.Duration(silent));
            }
            console.Write(table);
            console.WriteLine($"live slots: {RemainingTime.LiveSlots(silos, now)}");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
