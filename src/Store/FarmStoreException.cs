namespace EnsembleFarm.Store;

/// <summary>
/// The store cannot be used at all: an unsupported location, a file that is not a farm store, a schema
/// newer than this build understands, or a store file deleted or damaged while in use. Retrying does not help:
/// callers report it as "store unreachable or corrupt", apart from ordinary bad input and passing failures.
/// </summary>
public sealed class FarmStoreException(string message, Exception? innerException = null) : Exception(message, innerException);
