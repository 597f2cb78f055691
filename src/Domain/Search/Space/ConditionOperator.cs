namespace EnsembleFarm.Domain.Search;

/// <summary>How a <see cref="Condition"/> tests its parameter's value.</summary>
public enum ConditionOperator
{
    /// <summary>The value is one of the condition's values ("optimizer in [sgd, momentum]").</summary>
    Equal,
    /// <summary>The value is none of the condition's values.</summary>
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    /// <summary>"depth &gt;= 2": the usual condition of a per-layer parameter.</summary>
    GreaterOrEqual,
}
