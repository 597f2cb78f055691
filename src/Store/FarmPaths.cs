namespace EnsembleFarm.Store;

/// <summary>Where the farm keeps its files when the user does not say.</summary>
public static class FarmPaths
{
    /// <summary>Environment variable naming the store: a SQLite path, <c>sqlite:&lt;path&gt;</c>, or a PostgreSQL URL or connection string.</summary>
    public const string StoreVariable = "ENSEMBLEFARM_STORE";

    /// <summary>
    /// The store used when none is given: <see cref="StoreVariable"/> if set, else <c>./.farm/farm.db</c>
    /// under the current working directory, so a farm started in a project folder keeps its results there.
    /// </summary>
    public static string DefaultStoreLocation
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(StoreVariable);
            return string.IsNullOrWhiteSpace(fromEnvironment)
                ? Path.Combine(Environment.CurrentDirectory, ".farm", "farm.db")
                : fromEnvironment;
        }
    }
}
