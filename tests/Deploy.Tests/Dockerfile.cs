using System.Text.Json;
using System.Text.RegularExpressions;

namespace EnsembleFarm.Deploy.Tests;

/// <summary>
/// One of deploy/docker's Dockerfiles, read for what the tests check (images cannot be built where they run): the
/// project its build stage publishes and how, and what its final stage starts from, copies, exposes and runs.
/// </summary>
/// <param name="Image">The image it builds, <c>ensemblefarm/NAME</c> for <c>deploy/docker/NAME.Dockerfile</c>.</param>
/// <param name="BuildBase">What its first stage starts from (where it publishes).</param>
internal sealed partial record Dockerfile(
    string Image,
    string Path,
    string? PublishedProject,
    bool SelfContained,
    string? PublishFolder,
    string BuildBase,
    string FinalBase,
    IReadOnlyList<(string? From, string Source, string Destination)> FinalCopies,
    IReadOnlyList<int> Exposed,
    IReadOnlyList<string> Entrypoint)
{
    public const string Repository = "ensemblefarm/";

    /// <summary>The Dockerfile that builds <paramref name="image"/> (<c>ensemblefarm/silo[:tag]</c>), or null when the image is not the farm's.</summary>
    public static Dockerfile? For(string image)
    {
        var (repository, _) = Kustomize.ImageReference.Split(image);
        return repository.StartsWith(Repository, StringComparison.Ordinal) ? Read(repository[Repository.Length..]) : null;
    }

    /// <summary>
    /// The repository file that the final stage copies to <paramref name="imagePath"/> (a COPY from the build context,
    /// not from a stage), or null when no such COPY covers that path.
    /// </summary>
    public string? RepositoryPathOf(string imagePath)
    {
        foreach (var (_, source, destination) in FinalCopies.Where(c => c.From is null))
        {
            if (source.EndsWith('/') && destination.EndsWith('/') && imagePath.StartsWith(destination, StringComparison.Ordinal))
                return Tests.Repository.PathOf(source, imagePath[destination.Length..]);
            if (imagePath == destination) return Tests.Repository.PathOf(source);
        }
        return null;
    }

    public static string PathOf(string name) => Tests.Repository.PathOf("deploy", "docker", $"{name}.Dockerfile");

    public static IEnumerable<string> Names() =>
        Directory.GetFiles(Tests.Repository.PathOf("deploy", "docker"), "*.Dockerfile").Select(f => System.IO.Path.GetFileName(f)[..^".Dockerfile".Length]).Order();

    public static Dockerfile Read(string name)
    {
        var path = PathOf(name);
        if (!File.Exists(path)) throw new FileNotFoundException($"no Dockerfile for the image {Repository}{name}", path);
        return Parse(File.ReadAllText(path), name, path);
    }

    /// <summary>The Dockerfile <paramref name="text"/> of the image <c>ensemblefarm/<paramref name="name"/></c> (tests change a copy's text).</summary>
    public static Dockerfile Parse(string text, string name, string path)
    {
        string? project = null, publishFolder = null, buildBase = null, finalBase = null;
        var selfContained = false;
        var copies = new List<(string?, string, string)>();
        var exposed = new List<int>();
        IReadOnlyList<string> entrypoint = [];
        foreach (var (instruction, argument) in Instructions(text))
        {
            switch (instruction)
            {
                case "FROM":
                    finalBase = argument.Split(' ')[0];
                    buildBase ??= finalBase;
                    copies.Clear();
                    exposed.Clear();
                    entrypoint = [];
                    break;
                case "RUN" when PublishPattern().Match(argument) is { Success: true } publish:
                    project = publish.Groups["project"].Value;
                    publishFolder = OutputPattern().Match(argument) is { Success: true } output ? output.Groups["folder"].Value : null;
                    selfContained = argument.Contains("--self-contained", StringComparison.Ordinal);
                    break;
                case "COPY":
                    var words = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    var from = words.FirstOrDefault(w => w.StartsWith("--from=", StringComparison.Ordinal))?["--from=".Length..];
                    var paths = words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
                    foreach (var source in paths[..^1]) copies.Add((from, source, paths[^1]));
                    break;
                case "EXPOSE":
                    exposed.AddRange(argument.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p.Split('/')[0], System.Globalization.CultureInfo.InvariantCulture)));
                    break;
                case "ENTRYPOINT":
                    // The exec form only: the shell form would put /bin/sh between the container's signals and the program.
                    entrypoint = argument.StartsWith('[')
                        ? JsonSerializer.Deserialize<string[]>(argument)!
                        : throw new InvalidDataException($"{path}: ENTRYPOINT in shell form; use the exec form [\"...\"]");
                    break;
            }
        }
        return new Dockerfile($"{Repository}{name}", path, project, selfContained, publishFolder, buildBase!,
            finalBase ?? throw new InvalidDataException($"{path}: no FROM"), copies, exposed, entrypoint);
    }

    /// <summary>Instructions with their arguments, continuation lines joined, comments and blank lines skipped.</summary>
    private static IEnumerable<(string Instruction, string Argument)> Instructions(string text)
    {
        var logical = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || line.Length == 0 && logical.Length == 0) continue;
            if (line.EndsWith('\\'))
            {
                logical += line[..^1] + " ";
                continue;
            }
            logical += line;
            if (logical.Trim().Length > 0)
            {
                var space = logical.IndexOf(' ');
                yield return (logical[..space].ToUpperInvariant(), Regex.Replace(logical[(space + 1)..].Trim(), @"\s+", " "));
            }
            logical = "";
        }
    }

    [GeneratedRegex(@"dotnet publish (?<project>\S+\.csproj)")]
    private static partial Regex PublishPattern();

    [GeneratedRegex(@"(-o|--output) (?<folder>\S+)")]
    private static partial Regex OutputPattern();
}
