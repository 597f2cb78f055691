using System.CommandLine;
using EnsembleFarm.Client.Connection;
using EnsembleFarm.Client.Output;
using EnsembleFarm.GrainInterfaces;
using Spectre.Console;

namespace EnsembleFarm.Client.Commands;

/// <summary><c>farm silos</c>: the cluster's live silos, their slots and what they run.</summary>
internal static class SilosCommand
{
    public static Command Create(FarmCli cli)
    {
        var command = new Command("silos", "List the farm's live silos: host, CPU slots, GPUs, running trials");
        command.SetAction((parse, ct) => cli.RunWithFarmAsync(parse, FarmNeed.Farm, async (farm, token) =>
        {
            var silos = await farm.SilosAsync(token);
            var console = cli.Environment.CreateConsole();
            if (silos.Count == 0)
            {
                console.WriteLine("no silo has reported yet");
                return FarmExitCodes.Ok;
            }
            var table = Tables.Create(console, "silo", "host", "pid", "slots", "free", "gpus", "free_gpus", "running_trials", "state", "started");
            foreach (var silo in silos)
            {
                table.Row(silo.SiloId, silo.Host, silo.ProcessId.ToString(), $"{silo.Slots.Count} ({string.Join(",", silo.Slots)})",
                    silo.FreeSlots.ToString(), Gpus(silo), silo.GpuPlaces == 0 ? "-" : silo.FreeGpus.ToString(),
                    silo.RunningTrials.Count == 0 ? "-" : string.Join(",", silo.RunningTrials),
                    silo.Draining ? "draining" : "active", Formats.Time(silo.StartedAt));
            }
            console.Write(table);
            console.WriteLine($"{silos.Count} silos, {silos.Sum(s => s.Slots.Count)} slots, {silos.Sum(s => s.FreeSlots)} free; " +
                $"{silos.Sum(s => s.Gpus?.Count ?? 0)} GPUs, {silos.Sum(s => s.FreeGpus)} free GPU places");
            return FarmExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>A silo's GPUs as device ids, with the trials each takes when more than one (<c>0,1 (×2)</c>).</summary>
    private static string Gpus(SiloReport silo) => silo.Gpus is not { Count: > 0 } ids ? "-"
        : silo.GpuShares == 1 ? string.Join(",", ids) : $"{string.Join(",", ids)} (×{silo.GpuShares})";
}
