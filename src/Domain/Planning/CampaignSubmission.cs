using System.Security.Cryptography;
using System.Text;
using EnsembleFarm.Domain.Search;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Store;
using EnsembleFarm.Models.Data;

namespace EnsembleFarm.Domain.Planning;

/// <summary>
/// A campaign ready to be written: its spec checked, its dataset read and fingerprinted, its trials planned.
/// Every way in (the CLI today, the gateway next) prepares a campaign here, so a campaign is refused for the
/// same reasons, with the same messages, before anything reaches the store.
/// </summary>
/// <param name="Warnings">
/// What makes the campaign's numbers mean little although it can run (a test part of a few rows, a class missing from
/// it), one line each, led by the field to change ("test.fraction: ..."); empty when there is nothing to say.
/// </param>
public sealed record CampaignSubmission(CampaignSpec Spec, NewCampaign Campaign, IReadOnlyList<NewTrial> Trials, IReadOnlyList<string> Warnings)
{

    /// <param name="specYaml">The spec as the user wrote it; the store keeps this text.</param>
    /// <param name="specDirectory">The folder a relative <c>dataset.path</c> is resolved against.</param>
    /// <param name="sourceName">The spec file as the user named it, when the text came from one; error messages start with it.</param>
    /// <param name="configurations">
    /// For an ensemble whose spec names <c>ensemble.from_search</c>: that search's best distinct configurations, best
    /// first, at most <c>top</c> (the farm reads them from the store); each trains <c>ensemble.members</c> members.
    /// Null for any other campaign.
    /// </param>
    /// <exception cref="SpecException">
    /// The spec is wrong, its dataset cannot be read, it does not fit its data, or it names a search and no configuration
    /// is given (<c>ensemble.from_search</c>).
    /// </exception>
    /// <exception cref="DataFormatException">The dataset is not valid for the spec's columns and task.</exception>
    /// <exception cref="ArgumentException">Configurations are given to a campaign that names no search, or more than it asks for.</exception>
    public static CampaignSubmission Prepare(string specYaml, string specDirectory, string? sourceName = null,
        IReadOnlyList<IReadOnlyDictionary<string, ParamValue>>? configurations = null)
    {
        var spec = SpecParser.Parse(specYaml, specDirectory, sourceName);
        var path = spec.Dataset.Path;
        (Dataset Data, string Sha256) dataset;
        try
        {
            dataset = CsvDataset.ReadPinned(path, spec.Dataset.CsvOptions);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpecException([new SpecError("dataset.path", Unreadable(path, e))], sourceName, e);
        }

        CampaignPlan plan;
        try
        {
            plan = CampaignPlan.Create(spec, dataset.Data, configurations);
        }
        catch (SpecException e) when (sourceName is not null)
        {
            throw new SpecException(e.Errors, sourceName);
        }
        var campaign = new NewCampaign(spec.Name, spec.KindName, TaskNames.Of(spec.Dataset.Task), specYaml, path, dataset.Sha256,
            spec.MaxAttempts, plan.TestSet, SubmissionKey(specYaml, path, dataset.Sha256), OpenEnded: spec.Search is not null);
        return new CampaignSubmission(spec, campaign, plan.Trials, SmallDataWarnings.For(spec, dataset.Data, plan));
    }

    /// <summary>
    /// The same spec text on the same data file with the same bytes: the same campaign, as far as resuming goes (the
    /// plan is deterministic, so a resubmission would train exactly what the unfinished campaign still has to).
    /// </summary>
    public static string SubmissionKey(string specYaml, string datasetPath, string datasetSha256) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{specYaml}\0{datasetPath}\0{datasetSha256}")));

    /// <summary>Writes the campaign and its trials in one transaction; returns the campaign's id.</summary>
    public Task<long> SubmitAsync(IFarmStore store, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.CreateCampaignAsync(Campaign, Trials, ct);
    }

    /// <summary>
    /// Why the data file cannot be read, in words a user can act on: the system's own say "Access to the path ... is
    /// denied" for a folder. What the system said stays in the exception's inner exception.
    /// </summary>
    internal static string Unreadable(string path, Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => $"no file {path} (for the example data: farm data generate --out {path})",
        _ when Directory.Exists(path) => $"{path} is a folder, not a CSV file",
        UnauthorizedAccessException => $"cannot read {path}: permission denied",
        PathTooLongException => $"cannot read {path}: the path is too long",
        _ => $"cannot read {path}: the system failed to read it",
    };
}
