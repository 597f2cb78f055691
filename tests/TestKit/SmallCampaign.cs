using System.Globalization;
using System.Text;
using EnsembleFarm.Models;

namespace EnsembleFarm.TestKit;

/// <summary>
/// A small binary ensemble that trains for real in well under a second per member: two features, y = 1 when their sum
/// is positive. Writes the data set and the spec into a folder, as a user would.
/// </summary>
public static class SmallCampaign
{
    /// <summary>Writes <c>small.csv</c> (id, a, b, y) with <paramref name="rows"/> rows; the same rows every time.</summary>
    public static string WriteDataset(string folder, int rows = 400, string name = "small.csv")
    {
        var rng = new Rng(11);
        var csv = new StringBuilder("id,a,b,y\n");
        for (var row = 0; row < rows; row++)
        {
            var a = (rng.NextDouble() * 2) - 1;
            var b = (rng.NextDouble() * 2) - 1;
            csv.Append(CultureInfo.InvariantCulture, $"r{row},{a:R},{b:R},{(a + b > 0 ? 1 : 0)}\n");
        }
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    /// <summary>The spec's YAML text, for a data set file in the spec's folder.</summary>
    /// <param name="fromSearch">The search whose best <c>Top</c> configurations the members train (<c>ensemble.from_search</c>).</param>
    public static string SpecYaml(int members, int epochs = 5, string name = "small", string dataset = "small.csv", int retries = 1,
        int slots = 1, int hidden = 8, ulong seed = 7, double learningRate = 0.1, (long Campaign, int Top)? fromSearch = null, int gpus = 0) => $"""
        name: {name}
        kind: ensemble
        seed: {seed}
        dataset:
          path: {dataset}
          target: y
          task: binary
          id_column: id
        model:
          hidden: [{hidden}]
        training:
          epochs: {epochs}
          batch_size: 16
          optimizer:
            name: sgd
            learning_rate: {learningRate.ToString(CultureInfo.InvariantCulture)}
        ensemble:
          members: {members}{(fromSearch is { } from ? $"\n  from_search: {{campaign: {from.Campaign}, top: {from.Top}}}" : "")}
        resources:
          slots: {slots}
          gpus: {gpus}
        retries: {retries}
        """;

    /// <summary>Writes the data set and a spec beside it; returns the spec's path.</summary>
    public static string Write(string folder, int members, int epochs = 5, string name = "small", int rows = 400, int retries = 1, int slots = 1,
        int hidden = 8)
    {
        WriteDataset(folder, rows);
        var spec = Path.Combine(folder, $"{name}.yaml");
        File.WriteAllText(spec, SpecYaml(members, epochs, name, retries: retries, slots: slots, hidden: hidden));
        return spec;
    }
}
