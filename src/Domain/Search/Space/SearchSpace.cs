using System.Collections.ObjectModel;

namespace EnsembleFarm.Domain.Search;

/// <summary>
/// The parameters a search may vary, validated once, in an order where every parameter comes after the
/// parameters its conditions test (declaration order otherwise). Walking <see cref="Parameters"/> in
/// order and skipping the inactive ones (<see cref="Resolve"/>) is how every sampler builds a trial's
/// parameters, which is what guarantees that a conditional parameter appears exactly when it is active.
/// </summary>
public sealed class SearchSpace
{
    private readonly Dictionary<string, int> _index;

    /// <exception cref="SearchSpaceException">The parameters do not form a valid space; every error is listed.</exception>
    public SearchSpace(IEnumerable<ParameterSpec> parameters)
    {
        var declared = parameters.ToList();
        var errors = Validate(declared);
        if (errors.Count > 0) throw new SearchSpaceException(errors);
        Parameters = TopologicalOrder(declared);
        _index = Parameters.Select((p, i) => (p.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        HasConditions = Parameters.Any(p => p.IsConditional);
    }

    public SearchSpace(params ParameterSpec[] parameters) : this((IEnumerable<ParameterSpec>)parameters) { }

    /// <summary>Parents before the parameters that depend on them; otherwise in declaration order.</summary>
    public IReadOnlyList<ParameterSpec> Parameters { get; }

    public bool HasConditions { get; }

    public int Count => Parameters.Count;

    public ParameterSpec this[string name] => Parameters[IndexOf(name)];

    public bool Contains(string name) => _index.ContainsKey(name);

    /// <summary>The parameter's position in <see cref="Parameters"/>.</summary>
    public int IndexOf(string name) =>
        _index.TryGetValue(name, out var i) ? i : throw new KeyNotFoundException($"the search space has no parameter '{name}'");

    /// <summary>Whether <paramref name="parameter"/> is active given the values of its parents in <paramref name="assignment"/>.</summary>
    public static bool IsActive(ParameterSpec parameter, IReadOnlyDictionary<string, ParamValue> assignment)
    {
        foreach (var condition in parameter.Conditions)
        {
            if (!assignment.TryGetValue(condition.Parameter, out var parent) || !condition.IsSatisfiedBy(parent)) return false;
        }
        return true;
    }

    /// <summary>
    /// A complete assignment: walks the parameters in order and asks <paramref name="valueOf"/> (given the
    /// parameter and its index) for the value of each active one only; inactive ones are left out.
    /// </summary>
    public IReadOnlyDictionary<string, ParamValue> Resolve(Func<ParameterSpec, int, ParamValue> valueOf)
    {
        var values = new Dictionary<string, ParamValue>(Parameters.Count, StringComparer.Ordinal);
        for (var i = 0; i < Parameters.Count; i++)
        {
            var parameter = Parameters[i];
            if (IsActive(parameter, values)) values[parameter.Name] = valueOf(parameter, i);
        }
        return new ReadOnlyDictionary<string, ParamValue>(values);
    }

    /// <summary>
    /// What is wrong with a trial's parameters: an unknown name, a value outside its distribution, an active
    /// parameter missing or an inactive one present. Empty when the assignment belongs to this space.
    /// </summary>
    public IReadOnlyList<string> Check(IReadOnlyDictionary<string, ParamValue> assignment)
    {
        var problems = new List<string>();
        foreach (var name in assignment.Keys.Where(n => !Contains(n)).Order(StringComparer.Ordinal))
            problems.Add($"{name}: not a parameter of the search space");
        foreach (var parameter in Parameters)
        {
            var active = IsActive(parameter, assignment);
            var present = assignment.TryGetValue(parameter.Name, out var value);
            if (active && !present) problems.Add($"{parameter.Name}: missing although active");
            else if (!active && present) problems.Add($"{parameter.Name}: present although inactive ({string.Join(" and ", parameter.Conditions)} does not hold)");
            else if (present && !parameter.Distribution.Contains(value)) problems.Add($"{parameter.Name}: {value} is not in {parameter.Distribution}");
        }
        return problems;
    }

    /// <summary>
    /// Every distinct assignment when each parameter takes the values <paramref name="valuesOf"/> lists,
    /// inactive parameters left out (so a conditional space is enumerated as the tree it is, not as a product).
    /// </summary>
    internal IEnumerable<IReadOnlyDictionary<string, ParamValue>> Enumerate(Func<ParameterSpec, IReadOnlyList<ParamValue>> valuesOf)
    {
        var lists = Parameters.Select(valuesOf).ToArray();
        var values = new Dictionary<string, ParamValue>(StringComparer.Ordinal);
        return Walk(0);

        IEnumerable<IReadOnlyDictionary<string, ParamValue>> Walk(int i)
        {
            if (i == Parameters.Count)
            {
                yield return new ReadOnlyDictionary<string, ParamValue>(new Dictionary<string, ParamValue>(values, StringComparer.Ordinal));
                yield break;
            }
            var parameter = Parameters[i];
            if (!IsActive(parameter, values))
            {
                foreach (var a in Walk(i + 1)) yield return a;
                yield break;
            }
            foreach (var value in lists[i])
            {
                values[parameter.Name] = value;
                foreach (var a in Walk(i + 1)) yield return a;
            }
            values.Remove(parameter.Name);
        }
    }

    /// <summary>
    /// How many distinct assignments the space holds, when that is finite and at most <paramref name="limit"/>;
    /// null when some active parameter is continuous or the count passes the limit.
    /// </summary>
    internal long? CountPoints(long limit)
    {
        if (Parameters.Any(p => p.Distribution.Cardinality is null)) return null;
        if (!HasConditions)
        {
            long product = 1;
            foreach (var p in Parameters)
            {
                var n = p.Distribution.Cardinality!.Value;
                if (product > limit / n) return null;
                product *= n;
            }
            return product;
        }
        long count = 0;
        foreach (var _ in Enumerate(p => p.Distribution.Enumerate(limit + 1).ToArray()))
        {
            if (++count > limit) return null;
        }
        return count;
    }

    /// <summary>Every problem with <paramref name="parameters"/> as a space; empty when they form a valid one.</summary>
    public static IReadOnlyList<SearchSpaceError> Validate(IEnumerable<ParameterSpec> parameters)
    {
        var list = parameters.ToList();
        var errors = new List<SearchSpaceError>();
        if (list.Count == 0) errors.Add(new SearchSpaceError("", "a search space needs at least one parameter"));
        var byName = new Dictionary<string, ParameterSpec>(StringComparer.Ordinal);
        foreach (var p in list)
        {
            if (string.IsNullOrWhiteSpace(p.Name)) errors.Add(new SearchSpaceError(p.Name ?? "", "a parameter needs a name"));
            else if (!byName.TryAdd(p.Name, p)) errors.Add(new SearchSpaceError(p.Name, "the name is used by more than one parameter"));
            if (p.Distribution is null)
            {
                errors.Add(new SearchSpaceError(p.Name ?? "", "a parameter needs a distribution"));
                continue;
            }
            errors.AddRange(p.Distribution.Problems().Select(m => new SearchSpaceError(p.Name ?? "", m)));
        }
        var known = string.Join(", ", byName.Keys);
        foreach (var p in list.Where(p => p.Distribution is not null))
        {
            foreach (var condition in p.Conditions)
            {
                if (condition.Parameter == p.Name)
                    errors.Add(new SearchSpaceError(p.Name, $"condition '{condition}' refers to the parameter itself"));
                else if (!byName.TryGetValue(condition.Parameter, out var parent))
                    errors.Add(new SearchSpaceError(p.Name, $"condition '{condition}' refers to unknown parameter '{condition.Parameter}' (parameters: {known})"));
                else if (parent.Distribution is not null)
                    errors.AddRange(condition.Problems(parent.Distribution).Select(m => new SearchSpaceError(p.Name, m)));
            }
        }
        if (FindCycle(list, byName) is { } cycle)
            errors.Add(new SearchSpaceError(cycle[0], $"conditions form a cycle: {string.Join(" -> ", cycle)} (each needs the next to be decided first)"));
        return errors;
    }

    /// <summary>A cycle of "is active depending on" edges, as the names along it (first repeated at the end), or null.</summary>
    private static List<string>? FindCycle(List<ParameterSpec> list, Dictionary<string, ParameterSpec> byName)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 on the stack, 2 done
        var stack = new List<string>();
        foreach (var p in list)
        {
            if (p.Name is not null && Visit(p.Name) is { } found) return found;
        }
        return null;

        List<string>? Visit(string name)
        {
            if (state.TryGetValue(name, out var s))
            {
                if (s == 2) return null;
                var start = stack.IndexOf(name);
                return [.. stack.Skip(start), name];
            }
            state[name] = 1;
            stack.Add(name);
            if (byName.TryGetValue(name, out var p))
            {
                foreach (var c in p.Conditions)
                {
                    if (c.Parameter == name || !byName.ContainsKey(c.Parameter)) continue;
                    if (Visit(c.Parameter) is { } found) return found;
                }
            }
            stack.RemoveAt(stack.Count - 1);
            state[name] = 2;
            return null;
        }
    }

    /// <summary>Kahn's algorithm, always taking the earliest declared parameter whose parents are placed.</summary>
    private static IReadOnlyList<ParameterSpec> TopologicalOrder(List<ParameterSpec> declared)
    {
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<ParameterSpec>(declared.Count);
        var remaining = new List<ParameterSpec>(declared);
        while (remaining.Count > 0)
        {
            var next = remaining.First(p => p.Conditions.All(c => placed.Contains(c.Parameter)));
            remaining.Remove(next);
            placed.Add(next.Name);
            order.Add(next);
        }
        return order;
    }

    public override string ToString() => string.Join("; ", Parameters);
}
