using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using EnsembleFarm.AppHost;
using EnsembleFarm.Store;

namespace EnsembleFarm.Cluster.Tests;

/// <summary>
/// A throw-away farm on this machine: a temporary folder with a SQLite store, a generated data set and
/// spec files, real <c>farm-silo</c> processes and real <c>farm</c> commands. Disposing stops every silo
/// and deletes the folder.
/// </summary>
internal sealed class ClusterWorkspace : IAsyncDisposable
{
    /// <summary>How long one <c>farm</c> command may run before the test gives up on it (and kills it).</summary>
    private static readonly TimeSpan CommandLimit = TimeSpan.FromMinutes(2);

    private static readonly Regex ReadyLine = new(@"silo (?<id>\S+) ready", RegexOptions.Compiled);

    private readonly FarmTool _client = FarmTool.Find(FarmTool.Client);
    private readonly FarmTool _silo = FarmTool.Find(FarmTool.Silo);
    private readonly List<LocalFarm> _farms = [];
    private readonly ConcurrentQueue<string> _siloLines = new();

    public ClusterWorkspace()
    {
        Folder = Directory.CreateTempSubdirectory("ensemblefarm-cluster-").FullName;
        StorePath = Path.Combine(Folder, "farm.db");
        DataPath = Path.Combine(Folder, "collider.csv");
    }

    public string Folder { get; }

    public string StorePath { get; }

    public string DataPath { get; }

    /// <summary>Every line the silos wrote, "[silo-n] " first, for assertion messages.</summary>
    public string SiloLog => string.Join(Environment.NewLine, _siloLines);

    /// <summary>Runs <c>farm</c> with these arguments against this workspace's store.</summary>
    public async Task<ChildResult> FarmAsync(params string[] arguments)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(CommandLimit);
        return await ChildProcess.RunAsync(_client, [.. arguments, "--store", StorePath], limit.Token);
    }

    /// <summary>Starts the AppHost (the local farm) on this workspace's store with these arguments; its lines go to <paramref name="onLine"/>.</summary>
    public ChildProcess StartAppHost(Action<string> onLine, params string[] arguments) =>
        ChildProcess.StartObserved("apphost", FarmTool.Find("EnsembleFarm.AppHost"), [.. arguments, "--store", StorePath], onLine);

    public async Task GenerateDataAsync(int rows, ulong seed)
    {
        var result = await FarmAsync("data", "generate", "--rows", rows.ToString(), "--seed", seed.ToString(), "--out", DataPath);
        Assert.True(result.ExitCode == 0, $"farm data generate failed: {result.StandardError}");
    }

    /// <summary>Writes a small binary ensemble spec on the generated data set and returns its path.</summary>
    public string WriteSpec(string name, int members, int epochs)
    {
        var path = Path.Combine(Folder, name + ".yaml");
        File.WriteAllText(path, $"""
            name: {name}
            kind: ensemble
            seed: 11
            dataset:
              path: {Path.GetFileName(DataPath)}
              target: signal
              id_column: event_id
              task: binary
            model:
              hidden: [16, 16]
              activation: relu
            training:
              epochs: {epochs}
              batch_size: 32
              threads: 1
            ensemble:
              members: {members}
            """);
        return path;
    }

    public async Task<long> SubmitAsync(string specPath)
    {
        var result = await FarmAsync("submit", specPath);
        Assert.True(result.ExitCode == 0, $"farm submit failed ({result.ExitCode}): {result.StandardError}");
        return long.Parse(result.StandardOutput.Trim());
    }

    /// <summary>
    /// Starts one-slot silos and waits until each has said "silo ID ready". Returns the farm and the silos'
    /// ids in the store, in start order (the same order as <see cref="LocalFarm.Silos"/>).
    /// </summary>
    public async Task<(LocalFarm Farm, IReadOnlyList<string> Ids)> StartSilosAsync(int count, params string[] extraArguments)
    {
        var ready = new ConcurrentDictionary<string, string>();
        var farm = LocalFarm.Start(_silo, StorePath, Enumerable.Repeat(1, count).ToArray(), (name, line) =>
        {
            _siloLines.Enqueue($"[{name}] {line}");
            if (ReadyLine.Match(line) is { Success: true } match) ready[name] = match.Groups["id"].Value;
        }, extraArguments);
        _farms.Add(farm);
        await Eventually(() => Task.FromResult(ready.Count == count), TimeSpan.FromSeconds(30), "not every silo said it was ready");
        return (farm, Enumerable.Range(1, count).Select(i => ready[$"silo-{i}"]).ToArray());
    }



    public Task<IFarmStore> OpenStoreAsync() => FarmStoreFactory.OpenAsync(StorePath, ct: TestContext.Current.CancellationToken);

    /// <summary>Polls until the condition holds; fails with the silo log if it does not within the limit.</summary>
    public async Task Eventually(Func<Task<bool>> condition, TimeSpan limit, string failure)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{failure}{Environment.NewLine}{SiloLog}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var farm in _farms) await farm.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // a silo killed mid-write may leave a file handle behind for a moment; the OS temp cleaner gets it
        }
    }
}
