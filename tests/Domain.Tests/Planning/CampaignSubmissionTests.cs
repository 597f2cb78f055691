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
    public void Data_the_plan_cannot_split_is_a_spec_error_naming_the_file_in_plain_words()
    {
        var path = WriteData("id,x,y\nr0,0.1,0\nr1,0.2,1\n");

        var exception = Assert.Throws<SpecException>(() => CampaignSubmission.Prepare(Spec, _folder));

        Assert.Equal(
            $"The campaign spec has 1 error:\n  dataset.path: {path} has 2 rows; a campaign needs at least 3 "
            + "(one each for the test part, a member's training and its validation)",
            exception.Message);
    }

    [Fact]
    public void A_dataset_path_that_is_a_folder_says_so_instead_of_access_denied()
    {
        var path = Directory.CreateDirectory(Path.Combine(_folder, "data.csv")).FullName;

        var exception = Assert.Throws<SpecException>(() => CampaignSubmission.Prepare(Spec, _folder));

        Assert.Equal($"The campaign spec has 1 error:\n  dataset.path: {path} is a folder, not a CSV file", exception.Message);
        Assert.IsType<UnauthorizedAccessException>(exception.InnerException);
    }

    public static TheoryData<Exception, string> ReadFailures => new()
    {
        // What the system says for a file without read permission (root, who runs these tests here, reads any file).
        { new UnauthorizedAccessException("Access to the path '/data/x.csv' is denied."), "cannot read {0}: permission denied" },
        { new PathTooLongException("The path '/data/x.csv' is too long, or a component of the specified path is too long."), "cannot read {0}: the path is too long" },
        { new IOException("Input/output error : '/data/x.csv'"), "cannot read {0}: the system failed to read it" },
        { new FileNotFoundException("Could not find file '/data/x.csv'."), "no file {0} (for the example data: farm data generate --out {0})" },
        { new DirectoryNotFoundException("Could not find a part of the path '/data/x.csv'."), "no file {0} (for the example data: farm data generate --out {0})" },
    };

    [Theory]
    [MemberData(nameof(ReadFailures))]
    public void A_dataset_that_cannot_be_read_is_described_in_plain_words_not_the_systems(Exception failure, string message)
    {
        var path = WriteData(TenRows());

        Assert.Equal(string.Format(message, path), CampaignSubmission.Unreadable(path, failure));
    }

    [Fact]
    public void Errors_found_with_the_data_name_the_spec_file_when_there_is_one()
    {
        var missing = Assert.Throws<SpecException>(() => CampaignSubmission.Prepare(Spec, _folder, "specs/small.yaml"));
        var path = WriteData("id,x,y\nr0,0.1,0\nr1,0.2,1\n");
        var tiny = Assert.Throws<SpecException>(() => CampaignSubmission.Prepare(Spec, _folder, "specs/small.yaml"));

        Assert.Equal("specs/small.yaml", missing.SpecFile);
        Assert.StartsWith($"The campaign spec specs/small.yaml has 1 error:\n  specs/small.yaml: dataset.path: no file {path}", missing.Message);
        Assert.Equal("specs/small.yaml", tiny.SpecFile);
        Assert.StartsWith($"The campaign spec specs/small.yaml has 1 error:\n  specs/small.yaml: dataset.path: {path} has 2 rows", tiny.Message);
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
