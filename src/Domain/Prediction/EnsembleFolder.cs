using System.Globalization;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Models;

namespace EnsembleFarm.Domain.Prediction;

/// <summary>
/// An ensemble on disk, as <c>farm export</c> writes it: ensemble.json (task, classes, feature columns, and the members
/// in index order with their trials and folders) and one folder per member, <c>member-000</c>, <c>member-001</c>, …,
/// holding model.safetensors and model.json byte for byte as stored, the layout <see cref="TrainedModel.Save"/> writes and
/// scripts/load_in_pytorch.py reads. <see cref="Load"/> reads it back for predictions without a farm.
/// </summary>
public static class EnsembleFolder
{
    /// <summary>The file that makes a folder an exported ensemble.</summary>
    public const string ManifestFileName = "ensemble.json";

    /// <summary>The folder of member <paramref name="index"/> inside an exported ensemble.</summary>
    public static string MemberFolder(int index) => "member-" + index.ToString("D3", CultureInfo.InvariantCulture);

    /// <summary>Writes the ensemble into <paramref name="directory"/> (created if missing; existing member files are replaced).</summary>
    /// <exception cref="ArgumentException">No member, a member index twice, or models that are not one ensemble.</exception>
    /// <exception cref="InvalidDataException">A stored model cannot be read.</exception>
    public static void Write(string directory, IReadOnlyList<ExportedMember> members)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(members);
        var ordered = members.OrderBy(m => m.Index).ToList();
        for (var i = 1; i < ordered.Count; i++)
            if (ordered[i].Index == ordered[i - 1].Index)
                throw new ArgumentException($"Member {ordered[i].Index} appears twice (trials {ordered[i - 1].TrialId} and {ordered[i].TrialId}).", nameof(members));
        // Reading every model checks that the stored bytes are models and that they form one ensemble before anything is written.
        var ensemble = new EnsemblePredictor([.. ordered.Select(m => TrainedModel.Deserialize(m.Weights, m.Json))]);

        Directory.CreateDirectory(directory);
        foreach (var member in ordered)
        {
            var folder = Path.Combine(directory, MemberFolder(member.Index));
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(Path.Combine(folder, TrainedModel.WeightsFileName), member.Weights);
            File.WriteAllText(Path.Combine(folder, TrainedModel.DescriptionFileName), member.Json);
        }
        var manifest = new EnsembleManifest(EnsembleManifest.FormatName, EnsembleManifest.CurrentVersion, SpecVocabulary.Name(ensemble.Task),
            ensemble.ClassCount, ensemble.FeatureNames, [.. ordered.Select(m => new EnsembleManifestMember(m.Index, m.TrialId, MemberFolder(m.Index)))]);
        File.WriteAllText(Path.Combine(directory, ManifestFileName), manifest.ToJson());
    }

    /// <summary>Loads an exported ensemble's members in index order.</summary>
    /// <exception cref="FileNotFoundException">The folder has no ensemble.json, or a member folder lacks its model files.</exception>
    /// <exception cref="InvalidDataException">ensemble.json or a model is malformed.</exception>
    public static EnsemblePredictor Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var path = Path.Combine(directory, ManifestFileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"'{directory}' is not an exported ensemble: it has no {ManifestFileName}.", path);
        var manifest = EnsembleManifest.FromJson(File.ReadAllText(path), path);
        return new EnsemblePredictor([.. manifest.Members.OrderBy(m => m.Index).Select(m => TrainedModel.Load(Path.Combine(directory, m.Folder)))]);
    }
}
