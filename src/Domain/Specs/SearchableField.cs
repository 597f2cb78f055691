using EnsembleFarm.Domain.Search;

namespace EnsembleFarm.Domain.Specs;

/// <summary>A spec field a search may vary: the values it takes, and how a trial's value is set on the base spec.</summary>
internal sealed class SearchableField
{
    private readonly Func<CampaignSpec, ParamValue, CampaignSpec> _set;

    private SearchableField(string name, FieldDomain domain, Func<CampaignSpec, ParamValue, CampaignSpec> set)
    {
        Name = name;
        Domain = domain;
        _set = set;
    }

    /// <summary>The field's dotted path in the spec, which is also the parameter's name ("training.batch_size").</summary>
    public string Name { get; }

    public FieldDomain Domain { get; }

    public static SearchableField Number(string name, NumberRange range, Func<CampaignSpec, double, CampaignSpec> set) =>
        new(name, FieldDomain.Number(range), (spec, value) => set(spec, value.AsDouble()));

    public static SearchableField Whole(string name, IntRange range, Func<CampaignSpec, int, CampaignSpec> set) =>
        new(name, FieldDomain.Whole(range), (spec, value) => set(spec, (int)value.AsDouble()));

    public static SearchableField Choice<T>(string name, Vocabulary<T> vocabulary, Func<CampaignSpec, T, CampaignSpec> set) where T : struct, Enum =>
        new(name, FieldDomain.Choice([.. vocabulary.Names]), (spec, value) => set(spec, vocabulary.Lookup(value.AsText())));

    public static SearchableField Flag(string name, Func<CampaignSpec, bool, CampaignSpec> set) =>
        new(name, FieldDomain.Flag, (spec, value) => set(spec, value.AsBool()));

    public static SearchableField Widths(string name, IntRange width, Func<CampaignSpec, IReadOnlyList<int>, CampaignSpec> set) =>
        new(name, FieldDomain.Widths(width), (spec, value) => set(spec, FieldDomain.ParseWidths(value.AsText(), width)!));

    /// <summary>The spec with this field set to <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException">The value is not one the field takes.</exception>
    public CampaignSpec Set(CampaignSpec spec, ParamValue value) =>
        Domain.Problem(value) is { } problem ? throw new ArgumentException($"{Name}: {problem}") : _set(spec, value);
}
