using System.Globalization;
using EnsembleFarm.Domain.Planning;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Models.Data;

namespace EnsembleFarm.TrainerAccuracy;

/// <summary><c>compare SPEC …</c>: one spec, both trainers, once per initialisation scheme.</summary>
internal static class CompareCommand
{
    /// <param name="Inits">model.init names, each run in turn.</param>
    /// <param name="Members">Overrides ensemble.members when given.</param>
    internal sealed record Options(string SpecPath, IReadOnlyList<string> Inits, int? Members, int Workers, string OutFolder, string Python, string Script)
    {
        public static Options Parse(string[] args)
        {
            var inits = new List<string>();
            int? members = null;
            var (workers, outFolder, python, script) = (2, Path.Combine("bench", "results", "trainer-accuracy"), "/usr/bin/python3",
                Path.Combine("bench", "trainer_accuracy.py"));
            for (var i = 1; i < args.Length; i++)
            {
                var value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                switch (args[i - 1])
                {
                    case "--init": inits.Add(value); break;
                    case "--members": members = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--workers": workers = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--out": outFolder = value; break;
                    case "--python": python = value; break;
                    case "--script": script = value; break;
                    default: throw new ArgumentException($"unknown option {args[i - 1]}");
                }
            }
            if (workers < 1) throw new ArgumentException("--workers must be at least 1.");
            return new Options(args[0], inits.Count > 0 ? inits : ["pytorch", "he_xavier_uniform"], members, workers, outFolder, python, Path.GetFullPath(script));
        }
    }

    public static void Run(Options options, TextWriter output)
    {
        var yaml = File.ReadAllText(options.SpecPath);
        var specFolder = Path.GetDirectoryName(Path.GetFullPath(options.SpecPath))!;
        Dataset? data = null;
        foreach (var init in options.Inits)
        {
            var fields = new List<(string, string)> { ("model.init", init) };
            if (options.Members is { } members) fields.Add(("ensemble.members", members.ToString(CultureInfo.InvariantCulture)));
            var spec = SpecParser.Parse(SpecOverrides.Apply(yaml, fields), specFolder);
            if (MemberExport.Unsupported(spec) is { } reason) throw new ArgumentException($"{options.SpecPath}: {reason}.");
            data ??= CsvDataset.Read(spec.Dataset.Path, spec.Dataset.CsvOptions);
            var plan = CampaignPlan.Create(spec, data);
            var memberRows = plan.Trials.Select(t => MemberData.SplitRows(spec, data, plan.TestSet, t.SplitSeed)).ToList();

            var model = spec.Model;
            var training = spec.Training;
            var title = string.Create(CultureInfo.InvariantCulture,
                $"{spec.Name}, init: {init} ({data.Columns}-{string.Join('-', model.Hidden)}-1 {model.Activation}, Adam {training.Optimizer.LearningRate}, " +
                $"batch {training.BatchSize}, up to {training.Epochs} epochs, early stopping patience {training.EarlyStopping?.Patience.ToString() ?? "off"})");
            var folder = Path.GetFullPath(Path.Combine(options.OutFolder, spec.Name, init));
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            Directory.CreateDirectory(folder);
            MemberExport.Write(folder, title, spec, data, plan, memberRows);

            Console.Error.WriteLine($"{spec.Name}, init {init}: {plan.Trials.Count} members with the built-in trainer…");
            BuiltInSide.Train(folder, spec, data, plan, memberRows, options.Workers);
            Console.Error.WriteLine($"{spec.Name}, init {init}: the same members with PyTorch…");
            PyTorchSide.Train(folder, options.Python, options.Script, options.Workers);
            Comparison.ReportExport(folder, output);
        }
    }
}
