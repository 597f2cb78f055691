namespace EnsembleFarm.Store;

/// <summary>
/// The store cannot be used at all: an unsupported location, a file that is not a farm store, a schema
/// newer than this build understands, a store file deleted or damaged while in use, or a PostgreSQL server that
/// refuses the login or stayed unreachable for as long as the store retries. Retrying at once does not help:
/// callers report it as "store unreachable or corrupt", apart from ordinary bad input and passing failures.
/// </summary>
public sealed class FarmStoreException(string message, Exception? innerException = null) : Exception(message, innerException);
