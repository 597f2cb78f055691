using System.Globalization;
using EnsembleFarm.Models.Data.Synthetic;
using EnsembleFarm.TrainerAccuracy;

const string Usage = """
    usage: EnsembleFarm.TrainerAccuracy <command>
      compare SPEC [--init NAME]... [--members N] [--workers N] [--out DIR] [--python PATH] [--script PATH]
          plans SPEC's campaign exactly as the farm does, then trains its members with the built-in trainer and with
          PyTorch (bench/trainer_accuracy.py) on the same rows, once per --init (a model.init name; default: pytorch and
          he_xavier_uniform), and prints both sides' member and ensemble metrics with a paired test over members.
          Defaults: the spec's members, 2 workers (trainings at once, one thread each), --out bench/results/trainer-accuracy,
          --python /usr/bin/python3 (Debian's python3-torch), --script bench/trainer_accuracy.py.
      report FOLDER...
          prints the comparison of exports that compare wrote (bench/results/trainer-accuracy/<campaign>/<init>) again
      collider-data PATH [ROWS] [SEED]   writes the example data set (farm data generate's defaults: 66000 rows, seed 1)
      hastie-data PATH [ROWS] [SEED]     writes Hastie et al.'s 10-feature benchmark (default 12000 rows, seed 1)
    bench/run-trainer-accuracy.sh runs the comparison of docs/benchmarks.md.
    """;

try
{
    switch (args.FirstOrDefault())
    {
        case "compare" when args.Length >= 2:
            CompareCommand.Run(CompareCommand.Options.Parse(args[1..]), Console.Out);
            return 0;
        case "report" when args.Length >= 2:
            foreach (var folder in args[1..]) Comparison.ReportExport(folder, Console.Out);
            return 0;
        case "collider-data" when args.Length is >= 2 and <= 4:
            await using (var writer = new StreamWriter(args[1]))
                ColliderSample.Write(writer, IntArgument(args, 2, 66_000), ULongArgument(args, 3, 1));
            return 0;
        case "hastie-data" when args.Length is >= 2 and <= 4:
            await using (var writer = new StreamWriter(args[1]))
                HastieSample.Write(writer, IntArgument(args, 2, 12_000), ULongArgument(args, 3, 1));
            return 0;
        default:
            Console.Error.WriteLine(Usage);
            return 2;
    }
}
catch (Exception e) when (e is ArgumentException or FormatException or IOException or InvalidOperationException
                              or EnsembleFarm.Domain.Specs.SpecException)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}

static int IntArgument(string[] args, int at, int fallback) => args.Length > at ? int.Parse(args[at], CultureInfo.InvariantCulture) : fallback;

static ulong ULongArgument(string[] args, int at, ulong fallback) => args.Length > at ? ulong.Parse(args[at], CultureInfo.InvariantCulture) : fallback;
