using System.Globalization;
using System.Text.RegularExpressions;
using EnsembleFarm.Domain.Search;
using YamlDotNet.RepresentationModel;

namespace EnsembleFarm.Domain.Specs;

/// <summary>
/// Reads the parameters of a search: a nas campaign's <c>search.architecture</c> and the entries of
/// <c>search.space</c>, each a spec field with a distribution and optional conditions. Values are held to the field's
/// own range (<see cref="FieldDomain"/>), then the whole space to the search library's rules
/// (<see cref="SearchSpace.Validate"/>), whose errors are reported at the entry they concern, so a space that cannot
/// be searched is refused at submission with the spec's usual file:line:column messages.
/// </summary>
internal sealed partial class SearchSpaceReader
{
    private static readonly string[] DistributionKinds = ["float", "int", "categorical", "fixed"];

    private readonly List<ParameterSpec> _parameters = [];
    private readonly Dictionary<string, FieldDomain> _domains = new(StringComparer.Ordinal);

    /// <summary>Where each parameter came from: the block and key its errors are reported at.</summary>
    private readonly Dictionary<string, (SpecMapping Block, string Key)> _origins = new(StringComparer.Ordinal);

    private bool _failed;

    /// <summary>The names of the parameters read so far.</summary>
    public IEnumerable<string> Names => _domains.Keys;

    public FieldDomain? DomainOf(string name) => _domains.GetValueOrDefault(name);

    /// <summary>What to say about a name that is not a parameter of the search.</summary>
    public string NotAParameter(string name) => SpecMapping.Suggest(name, Names) is { } near
        ? $"not a parameter of the search; did you mean '{near}'?"
        : $"not a parameter of the search (parameters: {string.Join(", ", Names)})";

    /// <summary>Records an error about a parameter, at the entry it came from.</summary>
    public void Error(string parameter, string message)
    {
        var (block, key) = _origins[parameter];
        block.Error(key, message);
    }

    /// <summary>
    /// <c>search.architecture</c>: <c>model.depth</c> from <c>depth</c>, <c>model.width_k</c> for every layer k the depth
    /// can reach (active when depth ≥ k, so a trial holds exactly the widths of its layers), and <c>model.activation</c>,
    /// <c>model.dropout</c>, <c>model.batch_norm</c>, <c>model.residual</c> when given. Numbers take a range
    /// <c>[low, high]</c>, names and flags a list of choices; each also takes a distribution written as in <c>space</c>.
    /// </summary>
    public void ReadArchitecture(SpecMapping architecture)
    {
        var depth = ArchitectureField(architecture, "depth", SearchableFields.Depth, SearchableFields.DepthDomain, ranged: true);
        var width = ArchitectureField(architecture, "width", "each model.width_k", SearchableFields.WidthDomain, ranged: true);
        var chosen = new List<(string Key, SearchableField Field, Distribution? Distribution)>();
        foreach (var (key, ranged) in new[] { ("activation", false), ("dropout", true), ("batch_norm", false), ("residual", false) })
        {
            var field = SearchableFields.Find($"model.{key}")!;
            chosen.Add((key, field, ArchitectureField(architecture, key, field.Name, field.Domain, ranged)));
        }
        if (!architecture.Has("depth")) architecture.Missing("depth", "the range of the number of hidden layers, e.g. [1, 4]");
        if (!architecture.Has("width")) architecture.Missing("width", "the range of each hidden layer's width, e.g. {int: [16, 256], log: true}");
        architecture.RejectUnknownFields();
        if (depth is null || width is null || chosen.Any(c => c.Distribution is null && architecture.Has(c.Key)))
        {
            _failed = true;
            return;
        }

        Add(SearchableFields.Depth, depth, [], SearchableFields.DepthDomain, architecture, "depth");
        // An invalid depth range (low above high) has no values; the library reports it, and no width is added.
        var depths = depth.Enumerate(SearchableFields.MaxDepth + 1).Select(v => (int)v.AsDouble()).DefaultIfEmpty(0).ToList();
        for (var layer = 1; layer <= depths.Max(); layer++)
        {
            // Layers every depth has need no condition; the others exist exactly when the network is that deep.
            IReadOnlyList<Condition> when = layer <= depths.Min() ? [] : [Condition.AtLeast(SearchableFields.Depth, layer)];
            Add(SearchableFields.Width(layer), width, when, SearchableFields.WidthDomain, architecture, "width");
        }
        foreach (var (key, field, distribution) in chosen.Where(c => c.Distribution is not null))
            Add(field.Name, distribution!, [], field.Domain, architecture, key);
    }

    /// <summary>
    /// <c>search.space</c>: field path → distribution. Names are checked first, so that a condition may refer to a
    /// parameter written below it.
    /// </summary>
    public void ReadSpace(SpecMapping space, bool nas)
    {
        var entries = new List<(string Name, FieldDomain Domain)>();
        foreach (var (name, _) in space.Fields())
        {
            if (_origins.TryGetValue(name, out var origin))
                space.Error(name, $"is searched by search.architecture.{origin.Key} already; give it there only");
            else if (nas && name == SearchableFields.Hidden)
                space.Error(name, "a nas campaign's hidden layers come from search.architecture (depth and width)");
            else if (SearchableFields.Find(name) is { } field)
            {
                _domains[name] = field.Domain;
                entries.Add((name, field.Domain));
                continue;
            }
            else space.Error(name, NotSearchable(name));
            _failed = true;
        }
        foreach (var (name, domain) in entries) ReadEntry(space, name, domain);
    }

    /// <summary>The space, once every parameter is read; null (with errors) when it cannot be searched.</summary>
    public SearchSpace? Build()
    {
        // No parameter: the search or architecture block that should have held them is reported missing or empty.
        if (_failed || _parameters.Count == 0) return null;
        var reported = new HashSet<(string, string)>();
        var errors = SearchSpace.Validate(_parameters);
        // The widths of a nas architecture share one distribution: its error is said once, at search.architecture.width.
        foreach (var error in errors.Where(e => reported.Add((_origins[e.Parameter].Key, e.Message)))) Error(error.Parameter, error.Message);
        return errors.Count == 0 ? new SearchSpace(_parameters) : null;
    }

    private static string NotSearchable(string name)
    {
        if (SearchableFields.IsArchitecture(name))
            return "comes from search.architecture, in a nas campaign (kind: nas); a search varies model.hidden with categorical";
        var names = SearchableFields.All.Select(f => f.Name).ToList();
        if (SpecMapping.Suggest(name, names) is { } near) return $"not a searchable field; did you mean '{near}'?";
        // "training.optimizer.lr" is too far from any name to guess, but its block narrows the list to read.
        var block = name[..Math.Max(name.LastIndexOf('.'), 0)];
        var inBlock = names.Where(n => block.Length > 0 && n.StartsWith(block + ".", StringComparison.Ordinal)).Select(n => n[(block.Length + 1)..]).ToList();
        return inBlock.Count > 0
            ? $"not a searchable field; searchable in {block}: {string.Join(", ", inBlock)}"
            : $"not a searchable field; searchable: {string.Join(", ", names)}";
    }

    private void Add(string name, Distribution distribution, IReadOnlyList<Condition> when, FieldDomain domain, SpecMapping block, string key)
    {
        _parameters.Add(new ParameterSpec(name, distribution, when));
        _domains[name] = domain;
        _origins[name] = (block, key);
    }

    private void ReadEntry(SpecMapping space, string name, FieldDomain domain)
    {
        var entry = space.Raw(name) is YamlMappingNode ? space.Mapping(name) : null;
        if (entry is null)
        {
            space.Error(name, "must be a distribution: {float: [low, high]}, {int: [low, high]}, {categorical: [choices]} or {fixed: value}, "
                + $"got {(space.Raw(name) is { } node ? SpecMapping.Describe(node) : "nothing")}");
            _failed = true;
            return;
        }
        var distribution = ReadDistribution(entry, name, domain);
        var conditions = ReadConditions(entry);
        entry.RejectUnknownFields();
        if (distribution is null || conditions is null) _failed = true;
        else Add(name, distribution, conditions, domain, space, name);
    }

    /// <summary>One of <c>{float: [low, high], log, step}</c>, <c>{int: [low, high], log, step}</c>, <c>{categorical: [...]}</c>, <c>{fixed: value}</c>.</summary>
    /// <param name="field">The field the distribution is for, as a wrong kind's message names it.</param>
    private static Distribution? ReadDistribution(SpecMapping entry, string field, FieldDomain domain)
    {
        var kinds = DistributionKinds.Where(entry.Has).ToList();
        var numericOptions = new[] { "log", "step" }.Where(entry.Has).ToList();
        if (kinds.Count != 1)
        {
            entry.ErrorAtBlock(kinds.Count == 0
                ? "needs one of: float, int, categorical, fixed"
                : $"takes one of float, int, categorical, fixed; got {string.Join(" and ", kinds)}");
            return null;
        }
        var kind = kinds[0];
        switch (kind)
        {
            case "categorical" or "fixed" when numericOptions.Count > 0:
                foreach (var option in numericOptions) entry.Error(option, $"applies only to float and int (this is {kind})");
                return null;
            case "categorical":
                return Choices(entry, kind, domain);
            case "fixed":
                return domain.Read(entry, entry.Raw(kind)!, entry.PathOf(kind)) is { } value ? new FixedDistribution(value) : null;
            case "float" when domain.FloatRange is { } floats:
            {
                var bounds = Range(entry, kind, (node, path) => entry.ParseNumber(node, path, floats));
                var step = entry.Number("step", NumberRange.Positive);
                var log = entry.Flag("log");
                return bounds is null || Invalid(entry, "step", step) || Invalid(entry, "log", log)
                    ? null
                    : new FloatDistribution(bounds.Value.Low, bounds.Value.High, log ?? false, step);
            }
            case "int" when domain.IntRange is { } ints:
            {
                var bounds = Range(entry, kind, (node, path) => entry.ParseInt(node, path, ints));
                var step = entry.Int("step", new IntRange(1, int.MaxValue));
                var log = entry.Flag("log");
                return bounds is null || Invalid(entry, "step", step) || Invalid(entry, "log", log)
                    ? null
                    : new IntDistribution((long)bounds.Value.Low, (long)bounds.Value.High, log ?? false, step ?? 1);
            }
            default:
                entry.Error(kind, $"{field} takes {domain.Description}, so search it with {domain.Distributions}");
                return null;
        }
    }

    /// <summary>True when a field that is present failed to read (its error is already recorded).</summary>
    private static bool Invalid<T>(SpecMapping block, string key, T? value) where T : struct => value is null && block.Has(key);

    /// <summary>A field of the architecture block: a short form (a range or a list of choices) or a distribution.</summary>
    /// <param name="field">The parameter (or parameters) the field becomes, as a wrong kind's message names it.</param>
    private static Distribution? ArchitectureField(SpecMapping architecture, string key, string field, FieldDomain domain, bool ranged)
    {
        switch (architecture.Raw(key))
        {
            case null:
                return null;
            case YamlMappingNode:
                var block = architecture.Mapping(key)!;
                var distribution = ReadDistribution(block, field, domain);
                block.RejectUnknownFields();
                return distribution;
            case YamlSequenceNode when !ranged:
                return Choices(architecture, key, domain);
            case YamlSequenceNode when domain.FloatRange is { } floats:
                return Range(architecture, key, (node, path) => architecture.ParseNumber(node, path, floats)) is { } range
                    ? new FloatDistribution(range.Low, range.High)
                    : null;
            case YamlSequenceNode:
                return Range(architecture, key, (node, path) => architecture.ParseInt(node, path, domain.IntRange!.Value)) is { } whole
                    ? new IntDistribution((long)whole.Low, (long)whole.High)
                    : null;
            case var other:
                architecture.Error(key, ranged
                    ? $"must be a range [low, high] or a distribution such as {{int: [low, high], log: true}}, got {SpecMapping.Describe(other)}"
                    : $"must be a list of choices or a distribution such as {{categorical: [...]}}, got {SpecMapping.Describe(other)}");
                return null;
        }
    }

    /// <summary><c>[low, high]</c>, each end read by <paramref name="bound"/> (which reports its own errors).</summary>
    private static (double Low, double High)? Range(SpecMapping block, string key, Func<YamlNode, string, double?> bound)
    {
        var node = block.Raw(key)!;
        if (node is not YamlSequenceNode { Children.Count: 2 } pair)
        {
            block.Error(key, $"must be [low, high], got {(node is YamlSequenceNode list ? $"a list of {list.Children.Count}" : SpecMapping.Describe(node))}");
            return null;
        }
        var low = bound(pair.Children[0], $"{block.PathOf(key)}[0]");
        var high = bound(pair.Children[1], $"{block.PathOf(key)}[1]");
        return low is null || high is null ? null : (low.Value, high.Value);
    }

    private static CategoricalDistribution? Choices(SpecMapping block, string key, FieldDomain domain)
    {
        var items = block.Items(key, "choices");
        if (items is null) return null;
        var choices = items.Select(item => domain.Read(block, item.Node, item.Path)).ToList();
        return choices.All(c => c is not null) ? new CategoricalDistribution(choices.Select(c => c!.Value).ToList()) : null;
    }

    /// <summary>
    /// <c>when: {param: value}</c> (a list: any of them), or <c>{param: "&gt;= 2"}</c> (==, !=, &lt;, &lt;=, &gt;, &gt;= with a
    /// number); several parameters must all hold. An empty list: no condition.
    /// </summary>
    private IReadOnlyList<Condition>? ReadConditions(SpecMapping entry)
    {
        var when = entry.Mapping("when");
        if (when is null) return entry.Has("when") ? null : [];
        var conditions = new List<Condition>();
        var valid = true;
        foreach (var (parent, node) in when.Fields())
        {
            var condition = _domains.TryGetValue(parent, out var domain) ? ReadCondition(when, parent, node, domain) : null;
            if (domain is null) when.Error(parent, NotAParameter(parent));
            if (condition is null) valid = false;
            else conditions.Add(condition);
        }
        return valid ? conditions : null;
    }

    private static Condition? ReadCondition(SpecMapping when, string parent, YamlNode node, FieldDomain domain)
    {
        var path = when.PathOf(parent);
        if (node is YamlScalarNode { Value: { } text } && Comparison().Match(text) is { Success: true } match)
        {
            if (double.TryParse(match.Groups["number"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var bound) && double.IsFinite(bound))
                return new Condition(parent, Operators[match.Groups["op"].Value], [bound]);
            when.ErrorAtNode(path, $"compares with {match.Groups["op"].Value} and needs a number after it, got '{text}'", node);
            return null;
        }
        // A list of widths is one value of model.hidden; a list of such lists is several.
        var values = node is YamlSequenceNode list && !(IsWidths(domain) && list.Children.All(c => c is YamlScalarNode))
            ? list.Children.Select((item, i) => domain.Read(when, item, $"{path}[{i}]")).ToList()
            : [domain.Read(when, node, path)];
        return values.All(v => v is not null) ? new Condition(parent, ConditionOperator.Equal, values.Select(v => v!.Value).ToList()) : null;
    }

    private static bool IsWidths(FieldDomain domain) => domain == SearchableFields.Find(SearchableFields.Hidden)!.Domain;

    private static readonly Dictionary<string, ConditionOperator> Operators = new(StringComparer.Ordinal)
    {
        ["=="] = ConditionOperator.Equal,
        ["!="] = ConditionOperator.NotEqual,
        ["<"] = ConditionOperator.Less,
        ["<="] = ConditionOperator.LessOrEqual,
        [">"] = ConditionOperator.Greater,
        [">="] = ConditionOperator.GreaterOrEqual,
    };

    [GeneratedRegex(@"^\s*(?<op>==|!=|<=|>=|<|>)\s*(?<number>.*?)\s*$")]
    private static partial Regex Comparison();
}
