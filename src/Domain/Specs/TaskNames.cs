using EnsembleFarm.Models;

namespace EnsembleFarm.Domain.Specs;

/// <summary>The task names of the spec format (binary, multiclass, regression), as campaigns store them.</summary>
public static class TaskNames
{
    public static string Of(TaskKind task) => SpecVocabulary.Name(task);

    /// <exception cref="ArgumentException">Not a task name of the spec format.</exception>
    public static TaskKind Parse(string name) =>
        SpecVocabulary.Tasks.TryLookup(name, out var task)
            ? task
            : throw new ArgumentException($"'{name}' is not a task: one of {string.Join(", ", SpecVocabulary.Tasks.Names)}", nameof(name));
}
