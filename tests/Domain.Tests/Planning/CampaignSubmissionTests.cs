using EnsembleFarm.Domain.Planning;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Models.Data;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Planning;

public sealed class CampaignSubmissionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("efarm-submission-").FullName;

    private const string Spec = """
        name: small
        kind: ensemble
        seed: 3
        dataset: {path: data.csv, target: y, task: binary, id_column: id}
        ensemble: {members: 4}
        """;

    private string WriteData(string csv)
    {
        var path = Path.Combine(_folder, "data.csv");
        File.WriteAllText(path, csv);
        return path;
    }

    private static string TenRows() =>
        "id,x,y\n" + string.Concat(Enumerable.Range(0, 10).Select(i => $"r{i},{i * 0.1},{i % 2}\n"));

    [Fact]
    public void A_prepared_campaign_pins_the_spec_text_the_resolved_path_the_data_hash_and_the_plan()
    {
        var path = WriteData(TenRows());

        var submission = CampaignSubmission.Prepare(Spec, _folder);

        var campaign = submission.Campaign;
        Assert.Equal("small", campaign.Name);
        Assert.Equal("ensemble", campaign.Kind);
        Assert.Equal(Spec, campaign.SpecYaml);
        Assert.Equal(path, campaign.DatasetPath);
        Assert.Equal(DatasetFingerprint.Sha256(path), campaign.DatasetSha256);
        Assert.Equal(3, campaign.MaxAttempts);
        Assert.Equal(2, campaign.TestSet.RowIndices.Length);
        Assert.Equal([0, 1, 2, 3], submission.Trials.Select(t => t.Index));
    }

    [Fact]
    public void A_missing_dataset_is_a_spec_error_on_dataset_path_that_says_how_to_make_the_example_data()
    {
        var error = Assert.Single(Assert.Throws<SpecException>(() => CampaignSubmission.Prepare(Spec, _folder)).Errors);

        Assert.Equal("dataset.path", error.Path);
        Assert.Contains($"no file {Path.Combine(_folder, "data.csv")}", error.Message);
        Assert.Contains("farm data generate --out", error.Message);
    }

    [Fact]
    public void Data_the_plan_cannot_split_is_a_spec_error_naming_the_file()
    {
        var path = WriteData("id,x,y\nr0,0.1,0\nr1,0.2,1\n");

        var error = Assert.Single(Assert.Throws<SpecException>(() => CampaignSubmission.Prepare(Spec, _folder)).Errors);

        Assert.Equal("dataset.path", error.Path);
        Assert.Contains($"the data in {path} does not fit the spec", error.Message);
        Assert.Contains("at least 3", error.Message);
    }

    [Fact]
    public void Bad_data_surfaces_as_a_data_format_error_naming_line_and_column()
    {
        WriteData("id,x,y\nr0,abc,0\n");

        var e = Assert.Throws<DataFormatException>(() => CampaignSubmission.Prepare(Spec, _folder));

        Assert.Equal(2, e.Line);
        Assert.Equal("x", e.Column);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
