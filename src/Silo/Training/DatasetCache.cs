using EnsembleFarm.Grains.Training;
using EnsembleFarm.Models.Data;

namespace EnsembleFarm.Silo.Training;

/// <summary>
/// The datasets a silo has read, keyed by content hash (and how the file is read), so that the members of an
/// ensemble parse their CSV once per silo. Every request checks the file's bytes against the hash the campaign
/// recorded: a missing file or other bytes make the campaign unrunnable, never a silent mix of data.
/// Keeps the few most recently used datasets. Thread-safe.
/// </summary>
public sealed class DatasetCache(int capacity = DatasetCache.DefaultCapacity)
{
    public const int DefaultCapacity = 4;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = [];
    private long _uses;

    /// <summary>The dataset at <paramref name="path"/>, provided its bytes still hash to <paramref name="expectedSha256"/>.</summary>
    /// <exception cref="CampaignUnrunnableException">The file is missing, unreadable, changed or not a valid dataset; the message names the path (and both hashes).</exception>
    public Dataset Get(string path, string expectedSha256, CsvDatasetOptions options)
    {
        var key = $"{expectedSha256}|{options.Task}|{string.Join('\u001f', options.TargetColumns)}|{options.IdColumn}|" +
                  (options.FeatureColumns is null ? "*" : string.Join('\u001f', options.FeatureColumns));
        Lazy<Dataset> dataset;
        var cached = true;
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var entry))
            {
                entry = new Entry(new Lazy<Dataset>(() => Load(path, expectedSha256, options)));
                _entries[key] = entry;
                cached = false;
            }
            entry.LastUse = ++_uses;
            EvictBeyondCapacity();
            dataset = entry.Dataset;
        }
        // A new entry's load hashes the bytes it parses; hashing the file before that would read it twice.
        if (cached)
        {
            var actual = HashOf(path, expectedSha256);
            if (actual != expectedSha256) throw Changed(path, expectedSha256, actual);
        }
        try
        {
            return dataset.Value;
        }
        catch
        {
            // A failed load is not remembered: the next trial looks at the file afresh.
            lock (_lock)
            {
                if (_entries.TryGetValue(key, out var entry) && entry.Dataset == dataset) _entries.Remove(key);
            }
            throw;
        }
    }

    private void EvictBeyondCapacity()
    {
        while (_entries.Count > capacity)
            _entries.Remove(_entries.MinBy(pair => pair.Value.LastUse).Key);
    }

    private static string HashOf(string path, string expectedSha256)
    {
        ThrowIfMissing(path, expectedSha256);
        try
        {
            return DatasetFingerprint.Sha256(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CampaignUnrunnableException($"dataset '{path}' cannot be read: {e.Message}", e);
        }
    }

    /// <summary>Parses exactly the bytes it hashed, so the cached dataset is the one the campaign pinned even if the file changes meanwhile.</summary>
    private static Dataset Load(string path, string expectedSha256, CsvDatasetOptions options)
    {
        ThrowIfMissing(path, expectedSha256);
        (Dataset Data, string Sha256) pinned;
        try
        {
            pinned = CsvDataset.ReadPinned(path, options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CampaignUnrunnableException($"dataset '{path}' cannot be read: {e.Message}", e);
        }
        catch (DataFormatException e)
        {
            // Checked before the content: a file that changed into something unparsable is reported as changed.
            var actual = DatasetFingerprint.Sha256(path);
            if (actual != expectedSha256) throw Changed(path, expectedSha256, actual);
            throw new CampaignUnrunnableException($"dataset '{path}' cannot be used: {e.Message}", e);
        }
        if (pinned.Sha256 != expectedSha256) throw Changed(path, expectedSha256, pinned.Sha256);
        return pinned.Data;
    }

    private static void ThrowIfMissing(string path, string expectedSha256)
    {
        if (!File.Exists(path))
            throw new CampaignUnrunnableException($"dataset '{path}' is missing (the campaign expects sha256 {expectedSha256})");
    }

    private static CampaignUnrunnableException Changed(string path, string expected, string actual) =>
        new($"dataset '{path}' has changed since the campaign was submitted: expected sha256 {expected}, found {actual}");

    private sealed class Entry(Lazy<Dataset> dataset)
    {
        public Lazy<Dataset> Dataset { get; } = dataset;
        public long LastUse { get; set; }
    }
}
