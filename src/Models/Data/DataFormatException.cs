namespace EnsembleFarm.Models.Data;

/// <summary>
/// A data file that cannot be used as asked. The message leads with where the problem is, in the form
/// <c>data/x.csv line 17, column 'pt_1': 'abc' is not a number</c>, so a user can go straight to the cell;
/// the parts are also available separately for tools that point at them.
/// </summary>
public sealed class DataFormatException : Exception
{
    public DataFormatException(string source, int? line, string? column, string problem)
        : base(Describe(source, line, column, problem))
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(problem);
        DataSource = source;
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>The file (or the name the caller gave a stream) the problem is in.</summary>
    public override string Source => DataSource;

    /// <summary>1-based line of the file on which the offending record starts; null when the problem is not on one line.</summary>
    public int? Line { get; }

    /// <summary>The column's header name; null when the problem is not in one column.</summary>
    public string? Column { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    private string DataSource { get; }

    private static string Describe(string source, int? line, string? column, string problem)
    {
        var where = line is null ? source : $"{source} line {line}";
        if (column is not null) where += $", column '{column}'";
        return $"{where}: {problem}";
    }
}
