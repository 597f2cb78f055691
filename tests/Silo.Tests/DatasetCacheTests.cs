using EnsembleFarm.Grains.Training;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Silo.Training;


namespace EnsembleFarm.Silo.Tests;

public sealed class DatasetCacheTests : IDisposable
{
    private static readonly CsvDatasetOptions Binary = new(["y"], TaskKind.Binary);
    private readonly string _folder = Directory.CreateTempSubdirectory("farm-cache-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WriteCsv(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Get_ReadsTheFileOnceForManyMembers()
    {
        var path = WriteCsv("a.csv", "x,y\n1,0\n2,1\n3,0\n");
        var cache = new DatasetCache();

        var first = cache.Get(path, DatasetFingerprint.Sha256(path), Binary);
        var second = cache.Get(path, DatasetFingerprint.Sha256(path), Binary);

        Assert.Same(first, second);
        Assert.Equal([1f, 2f, 3f], first.Features);
        Assert.Equal([0f, 1f, 0f], first.Targets);
    }

    [Fact]
    public void Get_AMissingFileNamesThePathAndTheExpectedHash()
    {
        var path = Path.Combine(_folder, "gone.csv");
        var expected = new string('c', 64);

        var error = Assert.Throws<CampaignUnrunnableException>(() => new DatasetCache().Get(path, expected, Binary));

        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Get_AChangedFileNamesThePathAndBothHashes()
    {
        var path = WriteCsv("a.csv", "x,y\n1,0\n2,1\n");
        var submitted = DatasetFingerprint.Sha256(path);
        var cache = new DatasetCache();
        cache.Get(path, submitted, Binary);
        File.AppendAllText(path, "3,1\n");

        var error = Assert.Throws<CampaignUnrunnableException>(() => cache.Get(path, submitted, Binary));

        Assert.Contains(path, error.Message);
        Assert.Contains(submitted, error.Message);
        Assert.Contains(DatasetFingerprint.Sha256(path), error.Message);
    }

    [Fact]
    public void Get_AFileChangedBeforeItsFirstReadNamesBothHashesAndIsNotCached()
    {
        var path = WriteCsv("a.csv", "x,y\n1,0\n2,1\n");
        var submitted = DatasetFingerprint.Sha256(path);
        File.AppendAllText(path, "3,1\n");
        var found = DatasetFingerprint.Sha256(path);
        var cache = new DatasetCache();

        var error = Assert.Throws<CampaignUnrunnableException>(() => cache.Get(path, submitted, Binary));
        File.WriteAllText(path, "x,y\n1,0\n2,1\n"); // the submitted bytes again

        Assert.Equal($"dataset '{path}' has changed since the campaign was submitted: expected sha256 {submitted}, found {found}", error.Message);
        Assert.Equal([1f, 2f], cache.Get(path, submitted, Binary).Features);
    }

    [Fact]
    public void Get_AFileThatIsNotAValidDatasetMakesTheCampaignUnrunnable()
    {
        var path = WriteCsv("bad.csv", "x,y\n1,0\nnot-a-number,1\n");

        var error = Assert.Throws<CampaignUnrunnableException>(() => new DatasetCache().Get(path, DatasetFingerprint.Sha256(path), Binary));

        Assert.Contains(path, error.Message);
        Assert.Contains("line 3", error.Message);
    }

    [Fact]
    public void Get_KeepsOnlyTheMostRecentlyUsedDatasets()
    {
        var a = WriteCsv("a.csv", "x,y\n1,0\n2,1\n");
        var b = WriteCsv("b.csv", "x,y\n5,0\n6,1\n");
        var cache = new DatasetCache(capacity: 1);
        var firstA = cache.Get(a, DatasetFingerprint.Sha256(a), Binary);

        cache.Get(b, DatasetFingerprint.Sha256(b), Binary);

        Assert.NotSame(firstA, cache.Get(a, DatasetFingerprint.Sha256(a), Binary));
    }
}
