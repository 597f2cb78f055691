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

    /// <summary>A CSV with an id, one feature and the given labels (column y), one row per label.</summary>
    private void WriteLabels(params int[] labels) =>
        WriteData("id,x,y\n" + string.Concat(labels.Select((y, i) => $"r{i},{i * 0.1},{y}\n")));

    private static int[] Labels(int zeros, int ones) => [.. Enumerable.Repeat(0, zeros), .. Enumerable.Repeat(1, ones)];

    [Fact]
    public void A_five_row_dataset_runs_but_warns_that_its_parts_are_too_small_and_miss_a_class()
    {
        // 5 rows, 20 % test: 1 test row (class 0); 4 left, 20 % validation: 1 row per member (class 0 again).
        WriteLabels(0, 1, 0, 1, 0);

        var submission = CampaignSubmission.Prepare(Spec, _folder);

        Assert.Equal(
            [
                "test.fraction: the test part holds 1 row of the 5; test metrics on fewer than 30 rows are mostly noise: "
                    + "use more data or a larger test.fraction",
                "ensemble.validation_fraction: each member validates on 1 row of the 4 outside the test part; early stopping and "
                    + "validation metrics on fewer than 10 rows follow noise: use more data or a larger validation_fraction",
                "test.fraction: the test part has no row of class 1, so the test metrics cannot show how the ensemble does on it: "
                    + "use more data or a larger test.fraction",
                "ensemble.validation_fraction: no member's validation part has a row of class 1, so the members' validation metrics "
                    + "and early stopping ignore it: use more data or a larger validation_fraction",
            ],
            submission.Warnings);
        Assert.Equal(4, submission.Trials.Count);
    }

    [Fact]
    public void Enough_data_of_every_class_gives_no_warning()
    {
        // 200 rows: a test part of 40, validation parts of 32, each with both classes.
        WriteLabels(Labels(150, 50));

        Assert.Empty(CampaignSubmission.Prepare(Spec, _folder).Warnings);
    }

    [Fact]
    public void Just_enough_rows_give_no_warning_and_one_fewer_does()
    {
        // 150 rows: test 30 (the threshold), validation round(120 × 0.2) = 24. 145 rows: test round(29) = 29.
        WriteLabels(Labels(100, 50));
        Assert.Empty(CampaignSubmission.Prepare(Spec, _folder).Warnings);

        WriteLabels(Labels(96, 49));
        Assert.StartsWith("test.fraction: the test part holds 29 rows of the 145;", Assert.Single(CampaignSubmission.Prepare(Spec, _folder).Warnings));
    }

    [Fact]
    public void A_class_that_random_validation_parts_often_miss_is_warned_about_with_its_chance()
    {
        // 10 of 200 rows are class 1: the stratified test part takes 2, leaving 8 of 160. A random validation part of 32
        // misses all 8 with a chance of (128/160)(127/159)...(121/153) = 0.160.
        WriteLabels(Labels(190, 10));

        var warning = Assert.Single(CampaignSubmission.Prepare(Spec.Replace("{members: 4}", "{members: 4, stratified: false}"), _folder).Warnings);

        Assert.Equal(
            "ensemble.validation_fraction: a member's validation part (32 rows drawn at random from the 160 outside the test part) "
                + "has no row of class 1 with a chance of 16%: ensemble.stratified: true keeps each class's share in it",
            warning);
    }

    [Fact]
    public void A_class_whose_every_row_is_in_the_test_part_is_warned_about()
    {
        // 6 rows, 60 % test = 4: class 0 (5 rows) gets 3, class 1 (1 row) the largest remainder, its only row.
        WriteLabels(0, 0, 0, 0, 0, 1);

        var warnings = CampaignSubmission.Prepare(Spec.Replace("{members: 4}", "{members: 4}\ntest: {fraction: 0.6}"), _folder).Warnings;

        Assert.Contains("test.fraction: every row of class 1 is in the test part, so no member trains on it", warnings);
        Assert.Equal(3, warnings.Count); // and the two small parts
    }

    [Fact]
    public void Rare_classes_of_a_multiclass_dataset_are_named_together()
    {
        // 42 rows, classes 2 and 3 one row each: stratified parts of 8 (test) and 7 (validation) give them no row.
        WriteLabels([.. Labels(20, 20), 2, 3]);

        var warnings = CampaignSubmission.Prepare(Spec.Replace("task: binary", "task: multiclass"), _folder).Warnings;

        Assert.Equal(
            [
                "test.fraction: the test part has no row of classes 2, 3, so the test metrics cannot show how the ensemble does on them: "
                    + "use more data or a larger test.fraction",
                "ensemble.validation_fraction: no member's validation part has a row of classes 2, 3, so the members' validation metrics "
                    + "and early stopping ignore them: use more data or a larger validation_fraction",
            ],
            warnings.Skip(2));
    }

    [Fact]
    public void Regression_data_is_warned_about_its_size_only()
    {
        WriteData("id,x,y\n" + string.Concat(Enumerable.Range(0, 20).Select(i => $"r{i},{i},{i * 0.5}\n")));

        var warnings = CampaignSubmission.Prepare(Spec.Replace("task: binary", "task: regression"), _folder).Warnings;

        Assert.Equal(2, warnings.Count);
        Assert.StartsWith("test.fraction: the test part holds 4 rows of the 20;", warnings[0]);
        Assert.StartsWith("ensemble.validation_fraction: each member validates on 3 rows of the 16 outside the test part;", warnings[1]);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
