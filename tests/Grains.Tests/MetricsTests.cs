using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EnsembleFarm.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace EnsembleFarm.Grains.Tests;

/// <summary>The farm's own meters say what an operator watches: trials started and ended, samples, dispatch latency.</summary>
public sealed class MetricsTests
{
    [Fact(Timeout = 240_000)]
    public async Task TheFarmsMeters_CountEveryTrialAndSample_AndTimeTheDispatch()
    {
        var measurements = new ConcurrentBag<(object? Scope, string Instrument, double Value, string? Outcome)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == FarmMetrics.MeterName) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Add((i.Meter.Scope, i.Name, v, Outcome(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Add((i.Meter.Scope, i.Name, v, Outcome(tags))));
        listener.Start();
        await using var farm = await InProcessFarm.StartAsync(silos: 1, slotsPerSilo: 2);

        var id = await farm.SubmitAsync(members: 5);
        await farm.WaitForEndAsync(id);

        // Other tests' farms in this process measure too; each silo's meters are scoped to its own meter factory.
        var factories = farm.Cluster.Silos.Select(s => (object)s.ServiceProvider.GetRequiredService<IMeterFactory>()).ToHashSet();
        var mine = measurements.Where(m => m.Scope is not null && factories.Contains(m.Scope)).ToList();
        Assert.Equal(5, mine.Where(m => m.Instrument == "ensemblefarm.trials.started").Sum(m => m.Value));
        Assert.Equal(5, mine.Where(m => m.Instrument == "ensemblefarm.trials.ended" && m.Outcome == "completed").Sum(m => m.Value));
        Assert.Equal(0, mine.Where(m => m.Instrument == "ensemblefarm.trials.running").Sum(m => m.Value));
        // The scripted trainer reports one epoch of 100 samples per trial.
        Assert.Equal(500, mine.Where(m => m.Instrument == "ensemblefarm.training.samples").Sum(m => m.Value));
        var latencies = mine.Where(m => m.Instrument == "ensemblefarm.dispatch.latency").Select(m => m.Value).ToList();
        Assert.Equal(5, latencies.Count);
        Assert.All(latencies, ms => Assert.InRange(ms, 0, 30_000));
    }

    private static string? Outcome(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
            if (tag.Key == "outcome") return tag.Value as string;
        return null;
    }
}
