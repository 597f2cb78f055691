namespace EnsembleFarm.Domain.Search;

/// <summary>Whether smaller or larger values of a metric are better.</summary>
public enum Direction { Minimize, Maximize }
