using System.Globalization;
using System.Text;
using EnsembleFarm.Domain.Planning;
using EnsembleFarm.Models;

namespace EnsembleFarm.Silo.Tests;

/// <summary>A small binary ensemble on an 80-row dataset (tiny.csv in the farm's folder), submitted as the client does.</summary>
internal static class TinyCampaign
{
    private static CancellationToken Ct => TestFarm.Ct;

    private static string SpecYaml(string datasetFile, int members, int epochs, double learningRate) => $"""
        name: tiny
        kind: ensemble
        seed: 7
        dataset:
          path: {datasetFile}
          target: y
          task: binary
          id_column: id
        model:
          hidden: [4]
        training:
          epochs: {epochs}
          batch_size: 16
          optimizer:
            name: sgd
            learning_rate: {learningRate.ToString(CultureInfo.InvariantCulture)}
        ensemble:
          members: {members}
        retries: 1
        """;

    /// <summary>Two features; y = 1 when their sum is positive, so a member learns something in a few epochs.</summary>
    public static string WriteDataset(string folder)
    {
        var rng = new Rng(11);
        var csv = new StringBuilder("id,a,b,y\n");
        for (var row = 0; row < 80; row++)
        {
            var a = (rng.NextDouble() * 2) - 1;
            var b = (rng.NextDouble() * 2) - 1;
            csv.Append(CultureInfo.InvariantCulture, $"r{row},{a},{b},{(a + b > 0 ? 1 : 0)}\n");
        }
        var path = Path.Combine(folder, "tiny.csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    /// <summary>Submits a campaign the way the client does.</summary>
    public static async Task<long> SubmitAsync(TestFarm farm, int members, int epochs, double learningRate = 0.1)
    {
        WriteDataset(farm.Folder);
        var submission = CampaignSubmission.Prepare(SpecYaml("tiny.csv", members, epochs, learningRate), farm.Folder);
        return await submission.SubmitAsync(farm.Store, Ct);
    }
}
