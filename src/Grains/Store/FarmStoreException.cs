namespace EnsembleFarm.Grains.Store;

/// <summary>
/// The store cannot be used at all: an unsupported location, a file that is not a farm store, or a schema
/// newer than this build understands. Callers report it as "store unreachable or corrupt", apart from
/// ordinary bad input.
/// </summary>
public sealed class FarmStoreException(string message, Exception? innerException = null) : Exception(message, innerException);
